-- The transparency log is append-only, like the ledger; checkpoints too (a new size is a new row).
CREATE TRIGGER books_entries_no_update BEFORE UPDATE ON books_entries
BEGIN SELECT RAISE(ABORT, 'books_entries is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER books_entries_no_delete BEFORE DELETE ON books_entries
BEGIN SELECT RAISE(ABORT, 'books_entries is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER books_checkpoints_no_update BEFORE UPDATE ON books_checkpoints
BEGIN SELECT RAISE(ABORT, 'books_checkpoints is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER books_checkpoints_no_delete BEFORE DELETE ON books_checkpoints
BEGIN SELECT RAISE(ABORT, 'books_checkpoints is append-only'); END;
--> statement-breakpoint
-- The head row that every append locks: one row, created here so no append has to create it.
INSERT INTO books_log_head (id, size) VALUES (1, 0);
