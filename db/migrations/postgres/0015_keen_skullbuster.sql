CREATE TABLE "overdue_mails" (
	"invoice_id" integer PRIMARY KEY NOT NULL,
	"found_on" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "overdue_mails" ADD CONSTRAINT "overdue_mails_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;