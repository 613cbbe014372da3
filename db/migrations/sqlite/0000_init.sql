CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`display_prefix` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_secret_hash_unique` ON `api_tokens` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`actor_user_id` integer,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`before` text,
	`after` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_log_entity` ON `audit_log` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE TABLE `billing_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`month` text NOT NULL,
	`fee_schedule_id` integer NOT NULL,
	`status` text NOT NULL,
	`invoices_created` integer DEFAULT 0 NOT NULL,
	`started_by` integer,
	`started_at` text NOT NULL,
	`finished_at` text,
	FOREIGN KEY (`fee_schedule_id`) REFERENCES `fee_schedules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`started_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `billing_runs_month` ON `billing_runs` (`month`);--> statement-breakpoint
CREATE TABLE `checks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organization_id` integer,
	`format` text NOT NULL,
	`component_count` integer NOT NULL,
	`matches` text NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `checks_org` ON `checks` (`organization_id`);--> statement-breakpoint
CREATE TABLE `cooperative_evidence` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organization_id` integer NOT NULL,
	`jurisdiction` text NOT NULL,
	`registry_number` text NOT NULL,
	`bylaws_url` text NOT NULL,
	`worker_owner_count` integer NOT NULL,
	`distributes_all_surplus` integer NOT NULL,
	`submitted_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submitted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "cooperative_evidence_workers_check" CHECK("cooperative_evidence"."worker_owner_count" >= 1)
);
--> statement-breakpoint
CREATE INDEX `cooperative_evidence_org` ON `cooperative_evidence` (`organization_id`);--> statement-breakpoint
CREATE TABLE `credit_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`invoice_id` integer NOT NULL,
	`reason` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notes_invoice_unique` ON `credit_notes` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `fee_bands` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`fee_schedule_id` integer NOT NULL,
	`min_headcount` integer NOT NULL,
	`max_headcount` integer,
	`annual_fee_minor` integer NOT NULL,
	FOREIGN KEY (`fee_schedule_id`) REFERENCES `fee_schedules`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "fee_bands_fee_check" CHECK("fee_bands"."annual_fee_minor" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `fee_bands_unique` ON `fee_bands` (`fee_schedule_id`,`min_headcount`);--> statement-breakpoint
CREATE TABLE `fee_schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`effective_on` text NOT NULL,
	`currency` text NOT NULL,
	`revenue_cap_bps` integer,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "fee_schedules_cap_check" CHECK("fee_schedules"."revenue_cap_bps" is null or "fee_schedules"."revenue_cap_bps" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `fee_schedules_effective_unique` ON `fee_schedules` (`effective_on`);--> statement-breakpoint
CREATE TABLE `fork_sightings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`work_id` integer NOT NULL,
	`fork_full_name` text NOT NULL,
	`owner_login` text NOT NULL,
	`organization_id` integer,
	`seen_at` text NOT NULL,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `fork_sightings_unique` ON `fork_sightings` (`work_id`,`fork_full_name`);--> statement-breakpoint
CREATE TABLE `github_logins` (
	`login` text PRIMARY KEY NOT NULL,
	`organization_id` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `github_logins_org` ON `github_logins` (`organization_id`);--> statement-breakpoint
CREATE TABLE `grants` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` integer NOT NULL,
	`work_id` integer NOT NULL,
	`invoice_id` integer NOT NULL,
	`month` text NOT NULL,
	`document` text NOT NULL,
	`signature` text NOT NULL,
	`key_fingerprint` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `grants_invoice_work_unique` ON `grants` (`invoice_id`,`work_id`);--> statement-breakpoint
CREATE INDEX `grants_org` ON `grants` (`organization_id`);--> statement-breakpoint
CREATE TABLE `invoice_lines` (
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
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "invoice_lines_kind_check" CHECK(("invoice_lines"."kind" = 'fee' and "invoice_lines"."amount_minor" >= 0 and "invoice_lines"."work_id" is not null) or ("invoice_lines"."kind" = 'revenue_cap' and "invoice_lines"."amount_minor" <= 0 and "invoice_lines"."work_id" is null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_lines_position_unique` ON `invoice_lines` (`invoice_id`,`position`);--> statement-breakpoint
CREATE TABLE `invoice_number_sequences` (
	`year` integer PRIMARY KEY NOT NULL,
	`last_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text,
	`organization_id` integer NOT NULL,
	`month` text NOT NULL,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`total_minor` integer NOT NULL,
	`issued_on` text,
	`due_on` text,
	`billing_run_id` integer,
	`fee_schedule_id` integer NOT NULL,
	`note` text,
	`buyer_name` text NOT NULL,
	`buyer_country` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`billing_run_id`) REFERENCES `billing_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`fee_schedule_id`) REFERENCES `fee_schedules`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "invoices_status_check" CHECK("invoices"."status" in ('held','issued','partially_paid','paid','void')),
	CONSTRAINT "invoices_total_check" CHECK("invoices"."total_minor" >= 0),
	CONSTRAINT "invoices_number_check" CHECK(("invoices"."status" = 'held' and "invoices"."number" is null) or ("invoices"."status" <> 'held' and ("invoices"."number" is not null or "invoices"."status" = 'void')))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_org_month_unique` ON `invoices` (`organization_id`,`month`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_number_unique` ON `invoices` (`number`);--> statement-breakpoint
CREATE INDEX `invoices_status` ON `invoices` (`status`);--> statement-breakpoint
CREATE TABLE `ledger_transactions` (
	`id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`description` text NOT NULL,
	`invoice_id` integer,
	`payment_id` integer,
	`effective_on` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ledger_transfers` (
	`id` integer PRIMARY KEY NOT NULL,
	`transaction_id` integer NOT NULL,
	`debit_account` text NOT NULL,
	`credit_account` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`reverses_transfer_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_transfers_amount_check" CHECK("ledger_transfers"."amount_minor" > 0),
	CONSTRAINT "ledger_transfers_accounts_check" CHECK("ledger_transfers"."debit_account" <> "ledger_transfers"."credit_account")
);
--> statement-breakpoint
CREATE INDEX `ledger_transfers_tx` ON `ledger_transfers` (`transaction_id`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_debit` ON `ledger_transfers` (`debit_account`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_credit` ON `ledger_transfers` (`credit_account`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transfers_reverses_unique` ON `ledger_transfers` (`reverses_transfer_id`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`organization_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`organization_id`, `user_id`),
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "memberships_role_check" CHECK("memberships"."role" in ('owner','member'))
);
--> statement-breakpoint
CREATE INDEX `memberships_user` ON `memberships` (`user_id`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`country` text,
	`verification_status` text,
	`created_at` text NOT NULL,
	CONSTRAINT "organizations_kind_check" CHECK("organizations"."kind" in ('worker_cooperative','commercial','nonprofit','individual','public_body')),
	CONSTRAINT "organizations_verification_check" CHECK(("organizations"."kind" = 'worker_cooperative' and coalesce("organizations"."verification_status", '') in ('pending','verified','rejected')) or ("organizations"."kind" <> 'worker_cooperative' and "organizations"."verification_status" is null))
);
--> statement-breakpoint
CREATE TABLE `payments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`invoice_id` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`paid_on` text NOT NULL,
	`reference` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`request_hash` text NOT NULL,
	`recorded_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payments_amount_check" CHECK("payments"."amount_minor" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_idempotency_unique` ON `payments` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `payments_invoice` ON `payments` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `size_facts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organization_id` integer NOT NULL,
	`effective_on` text NOT NULL,
	`headcount` integer NOT NULL,
	`annual_revenue_minor` integer,
	`revenue_currency` text,
	`recorded_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "size_facts_headcount_check" CHECK("size_facts"."headcount" >= 0),
	CONSTRAINT "size_facts_revenue_check" CHECK(("size_facts"."annual_revenue_minor" is null and "size_facts"."revenue_currency" is null) or ("size_facts"."annual_revenue_minor" >= 0 and "size_facts"."revenue_currency" is not null))
);
--> statement-breakpoint
CREATE INDEX `size_facts_org_effective` ON `size_facts` (`organization_id`,`effective_on`);--> statement-breakpoint
CREATE TABLE `usages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organization_id` integer NOT NULL,
	`work_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`started_on` text NOT NULL,
	`ended_on` text,
	`declared_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`declared_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "usages_purpose_check" CHECK("usages"."purpose" in ('commercial','noncommercial')),
	CONSTRAINT "usages_dates_check" CHECK("usages"."ended_on" is null or "usages"."ended_on" >= "usages"."started_on")
);
--> statement-breakpoint
CREATE INDEX `usages_org` ON `usages` (`organization_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text,
	`is_treasurer` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `verification_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organization_id` integer NOT NULL,
	`evidence_id` integer,
	`decision` text NOT NULL,
	`reason` text NOT NULL,
	`decided_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`evidence_id`) REFERENCES `cooperative_evidence`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "verification_decisions_decision_check" CHECK("verification_decisions"."decision" in ('verified','rejected'))
);
--> statement-breakpoint
CREATE INDEX `verification_decisions_org` ON `verification_decisions` (`organization_id`);--> statement-breakpoint
CREATE TABLE `web_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `web_sessions_user` ON `web_sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`delivery_id` text PRIMARY KEY NOT NULL,
	`event` text NOT NULL,
	`outcome` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `work_maintainers` (
	`work_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	PRIMARY KEY(`work_id`, `user_id`),
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `work_packages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`work_id` integer NOT NULL,
	`purl` text NOT NULL,
	`type` text NOT NULL,
	`namespace` text,
	`name` text NOT NULL,
	FOREIGN KEY (`work_id`) REFERENCES `works`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `work_packages_purl_unique` ON `work_packages` (`purl`);--> statement-breakpoint
CREATE INDEX `work_packages_work` ON `work_packages` (`work_id`);--> statement-breakpoint
CREATE TABLE `works` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`repository_github_id` integer,
	`repository_full_name` text,
	`repository_key` text,
	`repository_url` text,
	`default_branch` text,
	`licensor_organization_id` integer NOT NULL,
	`version_range` text,
	`verification` text NOT NULL,
	`license_state` text NOT NULL,
	`license_spdx_id` text,
	`license_similarity_bps` integer,
	`license_path` text,
	`license_checked_at` text,
	`registered_by` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`licensor_organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`registered_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "works_verification_check" CHECK("works"."verification" in ('verified','unverified')),
	CONSTRAINT "works_license_state_check" CHECK("works"."license_state" in ('ppl','other','missing','unknown'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `works_slug_unique` ON `works` (`slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `works_repository_key_unique` ON `works` (`repository_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `works_repository_github_id_unique` ON `works` (`repository_github_id`);