-- The transparency log is append-only, like the ledger; checkpoints too (a new size is a new row).
CREATE TRIGGER books_entries_no_update BEFORE UPDATE ON books_entries FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER books_entries_no_delete BEFORE DELETE ON books_entries FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER books_entries_no_truncate BEFORE TRUNCATE ON books_entries FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER books_checkpoints_no_update BEFORE UPDATE ON books_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER books_checkpoints_no_delete BEFORE DELETE ON books_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER books_checkpoints_no_truncate BEFORE TRUNCATE ON books_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
-- The head row that every append locks: one row, created here so no append has to create it.
INSERT INTO books_log_head (id, size) VALUES (1, 0);
