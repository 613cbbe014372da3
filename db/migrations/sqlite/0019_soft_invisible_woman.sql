CREATE TABLE `statement_number_sequences` (
	`year` integer PRIMARY KEY NOT NULL,
	`last_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `statements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`organization_id` integer NOT NULL,
	`month` text NOT NULL,
	`run_id` integer NOT NULL,
	`currency` text NOT NULL,
	`opening_minor` integer NOT NULL,
	`allocated_minor` integer NOT NULL,
	`paid_out_minor` integer NOT NULL,
	`closing_minor` integer NOT NULL,
	`ledger_transaction_id` integer NOT NULL,
	`issued_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`run_id`) REFERENCES `distribution_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ledger_transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "statements_balance_check" CHECK("statements"."closing_minor" = "statements"."opening_minor" + "statements"."allocated_minor" - "statements"."paid_out_minor")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `statements_number_unique` ON `statements` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `statements_org_month_unique` ON `statements` (`organization_id`,`month`);