CREATE TABLE `exchange_rates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`from_currency` text NOT NULL,
	`to_currency` text NOT NULL,
	`effective_on` text NOT NULL,
	`rate` text NOT NULL,
	`recorded_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exchange_rates_unique` ON `exchange_rates` (`from_currency`,`to_currency`,`effective_on`);--> statement-breakpoint
CREATE TABLE `size_fact_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`size_fact_id` integer NOT NULL,
	`decision` text NOT NULL,
	`reason` text NOT NULL,
	`decided_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`size_fact_id`) REFERENCES `size_facts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "size_fact_reviews_decision_check" CHECK("size_fact_reviews"."decision" in ('accepted','rejected'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `size_fact_reviews_fact_unique` ON `size_fact_reviews` (`size_fact_id`);--> statement-breakpoint
DROP INDEX `grants_invoice_work_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `grants_invoice_work_month_unique` ON `grants` (`invoice_id`,`work_id`,`month`);--> statement-breakpoint
ALTER TABLE `billing_runs` ADD `owner` text;--> statement-breakpoint
ALTER TABLE `billing_runs` ADD `resumed_by_run_id` integer;--> statement-breakpoint
ALTER TABLE `invoice_lines` ADD `month` text NOT NULL DEFAULT '';--> statement-breakpoint
-- Hand-written: lines made before catch-up bill their invoice's month.
UPDATE `invoice_lines` SET `month` = (SELECT `month` FROM `invoices` WHERE `invoices`.`id` = `invoice_lines`.`invoice_id`);--> statement-breakpoint
ALTER TABLE `size_facts` ADD `evidence_url` text;--> statement-breakpoint
ALTER TABLE `size_facts` ADD `evidence_note` text;--> statement-breakpoint
ALTER TABLE `size_facts` ADD `needs_review` integer DEFAULT false NOT NULL;