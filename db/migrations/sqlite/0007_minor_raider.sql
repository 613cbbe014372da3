CREATE TABLE `work_claim_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`work_id` integer NOT NULL,
	`event` text NOT NULL,
	`verification` text NOT NULL,
	`reason` text NOT NULL,
	`dispute_id` integer,
	`actor_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`dispute_id`) REFERENCES `work_disputes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "work_claim_events_verification_check" CHECK("work_claim_events"."verification" in ('verified','unverified'))
);
--> statement-breakpoint
CREATE INDEX `work_claim_events_work` ON `work_claim_events` (`work_id`);--> statement-breakpoint
CREATE TABLE `work_disputes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`work_id` integer NOT NULL,
	`opened_by` integer NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`decision_reason` text,
	`decided_by` integer,
	`decided_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "work_disputes_status_check" CHECK("work_disputes"."status" in ('open','upheld','dismissed'))
);
--> statement-breakpoint
CREATE INDEX `work_disputes_work` ON `work_disputes` (`work_id`);--> statement-breakpoint
CREATE TABLE `work_license_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`work_id` integer NOT NULL,
	`effective_on` text NOT NULL,
	`state` text NOT NULL,
	`spdx_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "work_license_history_state_check" CHECK("work_license_history"."state" in ('ppl','other','missing','unknown'))
);
--> statement-breakpoint
CREATE INDEX `work_license_history_work` ON `work_license_history` (`work_id`,`effective_on`);