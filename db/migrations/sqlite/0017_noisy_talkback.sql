CREATE TABLE `bond_receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rent_month_id` integer NOT NULL,
	`payment_id` integer NOT NULL,
	`issue_id` integer NOT NULL,
	`subscription_id` integer NOT NULL,
	`organization_id` integer NOT NULL,
	`currency` text NOT NULL,
	`arrears_minor` integer NOT NULL,
	`interest_minor` integer NOT NULL,
	`principal_minor` integer NOT NULL,
	`deferred_interest_minor` integer NOT NULL,
	`paid_on` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`rent_month_id`) REFERENCES `rent_months`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issue_id`) REFERENCES `bond_issues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subscription_id`) REFERENCES `bond_subscriptions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bond_receipts_amounts_check" CHECK("bond_receipts"."arrears_minor" >= 0 and "bond_receipts"."interest_minor" >= 0 and "bond_receipts"."principal_minor" >= 0 and "bond_receipts"."deferred_interest_minor" >= 0)
);
--> statement-breakpoint
CREATE INDEX `bond_receipts_subscription` ON `bond_receipts` (`subscription_id`);--> statement-breakpoint
CREATE INDEX `bond_receipts_organization` ON `bond_receipts` (`organization_id`);--> statement-breakpoint
CREATE INDEX `bond_receipts_rent_month` ON `bond_receipts` (`rent_month_id`);--> statement-breakpoint
CREATE TABLE `rent_income` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rent_month_id` integer NOT NULL,
	`payment_id` integer NOT NULL,
	`asset_id` integer NOT NULL,
	`currency` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`paid_on` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`rent_month_id`) REFERENCES `rent_months`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rent_income_amount_check" CHECK("rent_income"."amount_minor" > 0)
);
--> statement-breakpoint
CREATE INDEX `rent_income_paid_on` ON `rent_income` (`paid_on`);--> statement-breakpoint
CREATE TABLE `rent_months` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` integer NOT NULL,
	`month` text NOT NULL,
	`issue_id` integer,
	`invoice_id` integer,
	`currency` text NOT NULL,
	`arrears_due_minor` integer NOT NULL,
	`interest_due_minor` integer NOT NULL,
	`principal_due_minor` integer NOT NULL,
	`cap_minor` integer,
	`rent_minor` integer NOT NULL,
	`deferred_minor` integer NOT NULL,
	`deferred_months_in_row` integer NOT NULL,
	`review` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issue_id`) REFERENCES `bond_issues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rent_months_amounts_check" CHECK("rent_months"."arrears_due_minor" >= 0 and "rent_months"."interest_due_minor" >= 0 and "rent_months"."principal_due_minor" >= 0 and "rent_months"."rent_minor" >= 0 and "rent_months"."deferred_minor" >= 0 and ("rent_months"."invoice_id" is null) = ("rent_months"."rent_minor" = 0))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rent_months_asset_month_unique` ON `rent_months` (`asset_id`,`month`);--> statement-breakpoint
CREATE INDEX `rent_months_invoice` ON `rent_months` (`invoice_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_invoice_lines` (
	`id` integer PRIMARY KEY NOT NULL,
	`invoice_id` integer NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`work_id` integer,
	`description` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`days` integer,
	`days_in_month` integer,
	`annual_fee_minor` integer,
	`obligation` text,
	`month` text NOT NULL,
	`asset_id` integer,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "invoice_lines_kind_check" CHECK(("__new_invoice_lines"."kind" = 'fee' and "__new_invoice_lines"."amount_minor" >= 0 and "__new_invoice_lines"."work_id" is not null and "__new_invoice_lines"."asset_id" is null) or ("__new_invoice_lines"."kind" = 'revenue_cap' and "__new_invoice_lines"."amount_minor" <= 0 and "__new_invoice_lines"."work_id" is null and "__new_invoice_lines"."asset_id" is null) or ("__new_invoice_lines"."kind" = 'rent' and "__new_invoice_lines"."amount_minor" > 0 and "__new_invoice_lines"."work_id" is null and "__new_invoice_lines"."asset_id" is not null))
);
--> statement-breakpoint
INSERT INTO `__new_invoice_lines`("id", "invoice_id", "position", "kind", "work_id", "description", "amount_minor", "days", "days_in_month", "annual_fee_minor", "obligation", "month") SELECT "id", "invoice_id", "position", "kind", "work_id", "description", "amount_minor", "days", "days_in_month", "annual_fee_minor", "obligation", "month" FROM `invoice_lines`;--> statement-breakpoint
DROP TABLE `invoice_lines`;--> statement-breakpoint
ALTER TABLE `__new_invoice_lines` RENAME TO `invoice_lines`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_lines_position_unique` ON `invoice_lines` (`invoice_id`,`position`);