ALTER TABLE `webhook_deliveries` ADD `body_sha256` text;--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_body_sha256_key` ON `webhook_deliveries` (`body_sha256`);--> statement-breakpoint
CREATE INDEX `works_title_id` ON `works` (`title`,`id`);