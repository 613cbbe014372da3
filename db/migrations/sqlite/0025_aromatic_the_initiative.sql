CREATE TABLE `work_cash` (
	`month` text NOT NULL,
	`recorded_after` text NOT NULL,
	`work_id` integer NOT NULL,
	`currency` text NOT NULL,
	`cash_minor` integer NOT NULL,
	`attributions` integer NOT NULL,
	PRIMARY KEY(`month`, `currency`, `work_id`, `recorded_after`),
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `work_cash_recorded_after` ON `work_cash` (`recorded_after`,`month`);--> statement-breakpoint
CREATE INDEX `payment_attributions_created_at` ON `payment_attributions` (`created_at`);