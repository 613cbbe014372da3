CREATE TABLE "books_checkpoints" (
	"tree_size" integer PRIMARY KEY NOT NULL,
	"root_hash" text NOT NULL,
	"note" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "books_entries" (
	"leaf_index" integer PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"invoice_id" integer,
	"entry" text NOT NULL,
	"leaf_hash" text NOT NULL,
	"created_at" text NOT NULL,
	CONSTRAINT "books_entries_index_check" CHECK ("books_entries"."leaf_index" >= 0)
);
--> statement-breakpoint
CREATE TABLE "books_log_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"size" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "books_entries_invoice" ON "books_entries" USING btree ("invoice_id");