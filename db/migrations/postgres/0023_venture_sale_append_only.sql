-- Rent invoices are of kind `rent` (one fee invoice and one rent invoice per organization and month); the cap's
-- deferrals and an asset's sale, holders first, are append-only.
UPDATE invoices SET kind = 'rent' WHERE id IN (SELECT invoice_id FROM invoice_lines WHERE kind = 'rent');
--> statement-breakpoint
CREATE TRIGGER bond_deferrals_no_update BEFORE UPDATE ON bond_deferrals FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER bond_deferrals_no_delete BEFORE DELETE ON bond_deferrals FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER bond_deferrals_no_truncate BEFORE TRUNCATE ON bond_deferrals FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER asset_sales_no_update BEFORE UPDATE ON asset_sales FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER asset_sales_no_delete BEFORE DELETE ON asset_sales FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER asset_sales_no_truncate BEFORE TRUNCATE ON asset_sales FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER asset_sale_receipts_no_update BEFORE UPDATE ON asset_sale_receipts FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER asset_sale_receipts_no_delete BEFORE DELETE ON asset_sale_receipts FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER asset_sale_receipts_no_truncate BEFORE TRUNCATE ON asset_sale_receipts FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
