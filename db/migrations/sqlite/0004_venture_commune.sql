CREATE TABLE `asset_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`reason` text NOT NULL,
	`actor_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `asset_events_asset` ON `asset_events` (`asset_id`);--> statement-breakpoint
CREATE TABLE `asset_surpluses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` integer NOT NULL,
	`month` text NOT NULL,
	`currency` text NOT NULL,
	`surplus_minor` integer NOT NULL,
	`declared_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`declared_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "asset_surpluses_amount_check" CHECK("asset_surpluses"."surplus_minor" >= 0)
);
--> statement-breakpoint
CREATE INDEX `asset_surpluses_asset_month` ON `asset_surpluses` (`asset_id`,`month`);--> statement-breakpoint
CREATE TABLE `assets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lessee_organization_id` integer NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`currency` text NOT NULL,
	`cost_minor` integer NOT NULL,
	`monthly_rent_minor` integer NOT NULL,
	`term_months` integer NOT NULL,
	`status` text NOT NULL,
	`proposed_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`lessee_organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "assets_status_check" CHECK("assets"."status" in ('proposed','offering','leased','returned','owned','liquidated')),
	CONSTRAINT "assets_amounts_check" CHECK("assets"."cost_minor" > 0 and "assets"."monthly_rent_minor" > 0 and "assets"."term_months" between 1 and 600)
);
--> statement-breakpoint
CREATE INDEX `assets_lessee` ON `assets` (`lessee_organization_id`);--> statement-breakpoint
CREATE TABLE `bond_issues` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` integer NOT NULL,
	`currency` text NOT NULL,
	`target_minor` integer NOT NULL,
	`minimum_minor` integer NOT NULL,
	`max_rate_bps` integer NOT NULL,
	`mode` text NOT NULL,
	`opens_on` text NOT NULL,
	`closes_on` text NOT NULL,
	`term_months` integer NOT NULL,
	`repayment` text NOT NULL,
	`min_subscription_minor` integer NOT NULL,
	`max_per_holder_minor` integer NOT NULL,
	`status` text NOT NULL,
	`rate_bps` integer,
	`sold_minor` integer,
	`cleared_on` text,
	`created_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bond_issues_mode_check" CHECK("bond_issues"."mode" in ('fixed','auction')),
	CONSTRAINT "bond_issues_repayment_check" CHECK("bond_issues"."repayment" in ('annuity','straight_line','sweep')),
	CONSTRAINT "bond_issues_status_check" CHECK("bond_issues"."status" in ('open','cleared','cancelled','redeemed')),
	CONSTRAINT "bond_issues_amounts_check" CHECK("bond_issues"."minimum_minor" >= 0 and "bond_issues"."target_minor" >= "bond_issues"."minimum_minor" and "bond_issues"."target_minor" > 0 and "bond_issues"."min_subscription_minor" > 0 and "bond_issues"."max_per_holder_minor" >= "bond_issues"."min_subscription_minor" and "bond_issues"."max_rate_bps" between 0 and 10000 and "bond_issues"."opens_on" <= "bond_issues"."closes_on")
);
--> statement-breakpoint
CREATE INDEX `bond_issues_asset` ON `bond_issues` (`asset_id`);--> statement-breakpoint
CREATE TABLE `bond_schedule_rows` (
	`issue_id` integer NOT NULL,
	`k` integer NOT NULL,
	`due_on` text NOT NULL,
	`opening_minor` integer NOT NULL,
	`interest_minor` integer NOT NULL,
	`principal_minor` integer NOT NULL,
	`payment_minor` integer NOT NULL,
	PRIMARY KEY(`issue_id`, `k`),
	FOREIGN KEY (`issue_id`) REFERENCES `bond_issues`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `bond_subscriptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`issue_id` integer NOT NULL,
	`organization_id` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	`bid_rate_bps` integer,
	`idempotency_key` text NOT NULL,
	`request_hash` text NOT NULL,
	`allotted_minor` integer,
	`outcome` text,
	`created_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`issue_id`) REFERENCES `bond_issues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bond_subscriptions_amount_check" CHECK("bond_subscriptions"."amount_minor" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bond_subscriptions_key_unique` ON `bond_subscriptions` (`issue_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `bond_subscriptions_org` ON `bond_subscriptions` (`organization_id`);