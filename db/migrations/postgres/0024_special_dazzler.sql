CREATE TABLE "work_cash" (
	"month" text NOT NULL,
	"recorded_after" text NOT NULL,
	"work_id" integer NOT NULL,
	"currency" text NOT NULL,
	"cash_minor" bigint NOT NULL,
	"attributions" integer NOT NULL,
	CONSTRAINT "work_cash_month_currency_work_id_recorded_after_pk" PRIMARY KEY("month","currency","work_id","recorded_after")
);
--> statement-breakpoint
ALTER TABLE "work_cash" ADD CONSTRAINT "work_cash_work_id_works_id_fk" FOREIGN KEY ("work_id") REFERENCES "public"."works"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "work_cash_recorded_after" ON "work_cash" USING btree ("recorded_after","month");--> statement-breakpoint
CREATE INDEX "payment_attributions_created_at" ON "payment_attributions" USING btree ("created_at");