CREATE TABLE `asset_sale_receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sale_id` integer NOT NULL,
	`issue_id` integer NOT NULL,
	`subscription_id` integer NOT NULL,
	`organization_id` integer NOT NULL,
	`currency` text NOT NULL,
	`arrears_minor` integer NOT NULL,
	`principal_minor` integer NOT NULL,
	`arrears_written_off_minor` integer NOT NULL,
	`principal_written_off_minor` integer NOT NULL,
	`paid_on` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`sale_id`) REFERENCES `asset_sales`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issue_id`) REFERENCES `bond_issues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subscription_id`) REFERENCES `bond_subscriptions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "asset_sale_receipts_amounts_check" CHECK("asset_sale_receipts"."arrears_minor" >= 0 and "asset_sale_receipts"."principal_minor" >= 0 and "asset_sale_receipts"."arrears_written_off_minor" >= 0 and "asset_sale_receipts"."principal_written_off_minor" >= 0)
);
--> statement-breakpoint
CREATE INDEX `asset_sale_receipts_subscription` ON `asset_sale_receipts` (`subscription_id`);--> statement-breakpoint
CREATE TABLE `asset_sales` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` integer NOT NULL,
	`currency` text NOT NULL,
	`proceeds_minor` integer NOT NULL,
	`book_value_minor` integer NOT NULL,
	`paid_to_holders_minor` integer NOT NULL,
	`surplus_minor` integer NOT NULL,
	`written_off_minor` integer NOT NULL,
	`sold_on` text NOT NULL,
	`reason` text NOT NULL,
	`recorded_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "asset_sales_amounts_check" CHECK("asset_sales"."proceeds_minor" >= 0 and "asset_sales"."book_value_minor" >= 0 and "asset_sales"."paid_to_holders_minor" >= 0 and "asset_sales"."surplus_minor" >= 0 and "asset_sales"."written_off_minor" >= 0 and "asset_sales"."paid_to_holders_minor" + "asset_sales"."surplus_minor" = "asset_sales"."proceeds_minor")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `asset_sales_asset_unique` ON `asset_sales` (`asset_id`);--> statement-breakpoint
CREATE INDEX `asset_sales_sold_on` ON `asset_sales` (`sold_on`);--> statement-breakpoint
CREATE TABLE `bond_deferrals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rent_month_id` integer NOT NULL,
	`issue_id` integer NOT NULL,
	`subscription_id` integer NOT NULL,
	`organization_id` integer NOT NULL,
	`currency` text NOT NULL,
	`interest_minor` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`rent_month_id`) REFERENCES `rent_months`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issue_id`) REFERENCES `bond_issues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subscription_id`) REFERENCES `bond_subscriptions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bond_deferrals_amount_check" CHECK("bond_deferrals"."interest_minor" > 0)
);
--> statement-breakpoint
CREATE INDEX `bond_deferrals_subscription` ON `bond_deferrals` (`subscription_id`);--> statement-breakpoint
DROP INDEX `invoices_org_month_unique`;--> statement-breakpoint
ALTER TABLE `invoices` ADD `kind` text DEFAULT 'fees' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_org_month_kind_unique` ON `invoices` (`organization_id`,`month`,`kind`);