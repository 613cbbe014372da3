-- Distribution's history is append-only: line nets, attributions and a run's allocations are never changed.
CREATE TRIGGER invoice_line_nets_no_update BEFORE UPDATE ON invoice_line_nets
BEGIN SELECT RAISE(ABORT, 'invoice_line_nets is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER invoice_line_nets_no_delete BEFORE DELETE ON invoice_line_nets
BEGIN SELECT RAISE(ABORT, 'invoice_line_nets is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER payment_attributions_no_update BEFORE UPDATE ON payment_attributions
BEGIN SELECT RAISE(ABORT, 'payment_attributions is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER payment_attributions_no_delete BEFORE DELETE ON payment_attributions
BEGIN SELECT RAISE(ABORT, 'payment_attributions is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER distribution_allocations_no_update BEFORE UPDATE ON distribution_allocations
BEGIN SELECT RAISE(ABORT, 'distribution_allocations is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER distribution_allocations_no_delete BEFORE DELETE ON distribution_allocations
BEGIN SELECT RAISE(ABORT, 'distribution_allocations is append-only'); END;
--> statement-breakpoint
-- The default distribution policy of PRODUCT.md §11, in force from the beginning. Its operations bucket
-- names no payee yet (a fresh commune has no organizations): a treasurer adds a version naming one.
INSERT INTO distribution_policies (effective_on, currency, minimum_payout_minor, created_by, created_at)
VALUES ('2000-01-01', 'EUR', 1000, NULL, '2000-01-01T00:00:00.000Z');
--> statement-breakpoint
INSERT INTO distribution_buckets (policy_id, position, key, kind, share_bps, payee_organization_id)
SELECT p.id, b.position, b.key, b.kind, b.share_bps, NULL
FROM distribution_policies p, (SELECT 1 AS position, 'licensors' AS key, 'licensors' AS kind, 6000 AS share_bps
  UNION ALL SELECT 2, 'dividend', 'dividend', 2000
  UNION ALL SELECT 3, 'operations', 'fixed', 1000
  UNION ALL SELECT 4, 'reserve', 'reserve', 1000) AS b
WHERE p.effective_on = '2000-01-01';
