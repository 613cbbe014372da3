CREATE TABLE `rate_limit_counters` (
	`key` text PRIMARY KEY NOT NULL,
	`hits` integer NOT NULL,
	`window_ends_at` text NOT NULL
);
