-- A work's claim history and license history are append-only: what was proven, decided and read stays.
CREATE TRIGGER work_claim_events_no_update BEFORE UPDATE ON work_claim_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER work_claim_events_no_delete BEFORE DELETE ON work_claim_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER work_license_history_no_update BEFORE UPDATE ON work_license_history FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER work_license_history_no_delete BEFORE DELETE ON work_license_history FOR EACH ROW EXECUTE FUNCTION refuse_change();
