CREATE TABLE `distribution_allocations` (
	`id` integer PRIMARY KEY NOT NULL,
	`run_id` integer NOT NULL,
	`position` integer NOT NULL,
	`bucket_key` text NOT NULL,
	`bucket_kind` text NOT NULL,
	`organization_id` integer,
	`work_id` integer,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`basis` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `distribution_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "distribution_allocations_amount_check" CHECK("distribution_allocations"."amount_minor" > 0),
	CONSTRAINT "distribution_allocations_org_check" CHECK("distribution_allocations"."organization_id" is not null or "distribution_allocations"."bucket_kind" in ('reserve','fixed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `distribution_allocations_position_unique` ON `distribution_allocations` (`run_id`,`position`);--> statement-breakpoint
CREATE INDEX `distribution_allocations_org` ON `distribution_allocations` (`organization_id`);--> statement-breakpoint
CREATE TABLE `distribution_buckets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`policy_id` integer NOT NULL,
	`position` integer NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`share_bps` integer NOT NULL,
	`payee_organization_id` integer,
	FOREIGN KEY (`policy_id`) REFERENCES `distribution_policies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payee_organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "distribution_buckets_kind_check" CHECK("distribution_buckets"."kind" in ('licensors','dividend','fixed','reserve')),
	CONSTRAINT "distribution_buckets_share_check" CHECK("distribution_buckets"."share_bps" >= 0 and "distribution_buckets"."share_bps" <= 10000),
	CONSTRAINT "distribution_buckets_payee_check" CHECK("distribution_buckets"."kind" = 'fixed' or "distribution_buckets"."payee_organization_id" is null)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `distribution_buckets_position_unique` ON `distribution_buckets` (`policy_id`,`position`);--> statement-breakpoint
CREATE UNIQUE INDEX `distribution_buckets_key_unique` ON `distribution_buckets` (`policy_id`,`key`);--> statement-breakpoint
CREATE TABLE `distribution_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`effective_on` text NOT NULL,
	`currency` text NOT NULL,
	`minimum_payout_minor` integer NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "distribution_policies_minimum_check" CHECK("distribution_policies"."minimum_payout_minor" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `distribution_policies_effective_unique` ON `distribution_policies` (`effective_on`);--> statement-breakpoint
CREATE TABLE `distribution_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`month` text NOT NULL,
	`policy_id` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`pool_minor` integer NOT NULL,
	`pool_carried_minor` integer NOT NULL,
	`dividend_carry_in_minor` integer NOT NULL,
	`dividend_carried_minor` integer NOT NULL,
	`per_capita_minor` integer NOT NULL,
	`worker_owners` integer NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	`approved_by` integer,
	`approved_at` text,
	`approved_transaction_id` integer,
	FOREIGN KEY (`policy_id`) REFERENCES `distribution_policies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`approved_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`approved_transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "distribution_runs_status_check" CHECK("distribution_runs"."status" in ('draft','approved')),
	CONSTRAINT "distribution_runs_carry_check" CHECK("distribution_runs"."dividend_carried_minor" >= 0 and "distribution_runs"."pool_carried_minor" <= 0 and "distribution_runs"."pool_minor" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `distribution_runs_month_unique` ON `distribution_runs` (`month`);--> statement-breakpoint
CREATE TABLE `invoice_line_nets` (
	`invoice_line_id` integer PRIMARY KEY NOT NULL,
	`invoice_id` integer NOT NULL,
	`work_id` integer NOT NULL,
	`net_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`invoice_line_id`) REFERENCES `invoice_lines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "invoice_line_nets_net_check" CHECK("invoice_line_nets"."net_minor" >= 0)
);
--> statement-breakpoint
CREATE INDEX `invoice_line_nets_invoice` ON `invoice_line_nets` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `payee_profiles` (
	`organization_id` integer PRIMARY KEY NOT NULL,
	`legal_name` text NOT NULL,
	`country` text NOT NULL,
	`iban` text NOT NULL,
	`minimum_payout_minor` integer,
	`updated_by` integer,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payee_profiles_minimum_check" CHECK("payee_profiles"."minimum_payout_minor" is null or "payee_profiles"."minimum_payout_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE `payment_attributions` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`payment_id` integer,
	`refund_id` integer,
	`invoice_line_id` integer NOT NULL,
	`invoice_id` integer NOT NULL,
	`work_id` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`paid_on` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_line_id`) REFERENCES `invoice_lines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payment_attributions_kind_check" CHECK("payment_attributions"."kind" in ('payment','refund')),
	CONSTRAINT "payment_attributions_amount_check" CHECK(("payment_attributions"."kind" = 'payment' and "payment_attributions"."amount_minor" > 0 and "payment_attributions"."payment_id" is not null) or ("payment_attributions"."kind" = 'refund' and "payment_attributions"."amount_minor" < 0))
);
--> statement-breakpoint
CREATE INDEX `payment_attributions_month` ON `payment_attributions` (`paid_on`,`currency`,`work_id`,`amount_minor`);--> statement-breakpoint
CREATE INDEX `payment_attributions_line` ON `payment_attributions` (`invoice_line_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payment_attributions_payment_line_unique` ON `payment_attributions` (`payment_id`,`invoice_line_id`);--> statement-breakpoint
CREATE TABLE `payout_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`execution_date` text NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`message_id` text NOT NULL,
	`total_minor` integer NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	`confirmed_at` text,
	`confirmed_transaction_id` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`confirmed_transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payout_batches_status_check" CHECK("payout_batches"."status" in ('created','confirmed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payout_batches_message_unique` ON `payout_batches` (`message_id`);--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`organization_id` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`end_to_end_id` text NOT NULL,
	`legal_name` text NOT NULL,
	`country` text NOT NULL,
	`iban` text NOT NULL,
	`status` text NOT NULL,
	`returned_at` text,
	`return_reason` text,
	`returned_transaction_id` integer,
	FOREIGN KEY (`batch_id`) REFERENCES `payout_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`returned_transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payouts_amount_check" CHECK("payouts"."amount_minor" > 0),
	CONSTRAINT "payouts_status_check" CHECK("payouts"."status" in ('pending','confirmed','returned'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_end_to_end_unique` ON `payouts` (`end_to_end_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_batch_org_unique` ON `payouts` (`batch_id`,`organization_id`);--> statement-breakpoint
CREATE INDEX `payouts_org` ON `payouts` (`organization_id`);--> statement-breakpoint
CREATE TABLE `work_splits` (
	`work_id` integer NOT NULL,
	`organization_id` integer NOT NULL,
	`weight` integer NOT NULL,
	PRIMARY KEY(`work_id`, `organization_id`),
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "work_splits_weight_check" CHECK("work_splits"."weight" >= 1 and "work_splits"."weight" <= 1000000)
);
