-- The venture commune's history is append-only: an asset's lifecycle, the rent months invoiced, the waterfall's receipts and rent income.
CREATE TRIGGER asset_events_no_update BEFORE UPDATE ON asset_events
BEGIN SELECT RAISE(ABORT, 'asset_events is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER asset_events_no_delete BEFORE DELETE ON asset_events
BEGIN SELECT RAISE(ABORT, 'asset_events is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER rent_months_no_update BEFORE UPDATE ON rent_months
BEGIN SELECT RAISE(ABORT, 'rent_months is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER rent_months_no_delete BEFORE DELETE ON rent_months
BEGIN SELECT RAISE(ABORT, 'rent_months is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER bond_receipts_no_update BEFORE UPDATE ON bond_receipts
BEGIN SELECT RAISE(ABORT, 'bond_receipts is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER bond_receipts_no_delete BEFORE DELETE ON bond_receipts
BEGIN SELECT RAISE(ABORT, 'bond_receipts is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER rent_income_no_update BEFORE UPDATE ON rent_income
BEGIN SELECT RAISE(ABORT, 'rent_income is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER rent_income_no_delete BEFORE DELETE ON rent_income
BEGIN SELECT RAISE(ABORT, 'rent_income is append-only'); END;
