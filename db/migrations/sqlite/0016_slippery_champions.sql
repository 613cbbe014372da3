CREATE TABLE `overdue_mails` (
	`invoice_id` integer PRIMARY KEY NOT NULL,
	`found_on` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
