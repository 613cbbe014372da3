-- The venture commune's history is append-only: an asset's lifecycle, the rent months invoiced, the waterfall's receipts and rent income.
CREATE TRIGGER asset_events_no_update BEFORE UPDATE ON asset_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER asset_events_no_delete BEFORE DELETE ON asset_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER asset_events_no_truncate BEFORE TRUNCATE ON asset_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER rent_months_no_update BEFORE UPDATE ON rent_months FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER rent_months_no_delete BEFORE DELETE ON rent_months FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER rent_months_no_truncate BEFORE TRUNCATE ON rent_months FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER bond_receipts_no_update BEFORE UPDATE ON bond_receipts FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER bond_receipts_no_delete BEFORE DELETE ON bond_receipts FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER bond_receipts_no_truncate BEFORE TRUNCATE ON bond_receipts FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER rent_income_no_update BEFORE UPDATE ON rent_income FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER rent_income_no_delete BEFORE DELETE ON rent_income FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER rent_income_no_truncate BEFORE TRUNCATE ON rent_income FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
