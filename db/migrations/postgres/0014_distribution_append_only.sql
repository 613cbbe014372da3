-- Distribution's history is append-only: line nets, attributions and a run's allocations are never changed.
CREATE TRIGGER invoice_line_nets_no_update BEFORE UPDATE ON invoice_line_nets FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER invoice_line_nets_no_delete BEFORE DELETE ON invoice_line_nets FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER invoice_line_nets_no_truncate BEFORE TRUNCATE ON invoice_line_nets FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER payment_attributions_no_update BEFORE UPDATE ON payment_attributions FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER payment_attributions_no_delete BEFORE DELETE ON payment_attributions FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER payment_attributions_no_truncate BEFORE TRUNCATE ON payment_attributions FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER distribution_allocations_no_update BEFORE UPDATE ON distribution_allocations FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER distribution_allocations_no_delete BEFORE DELETE ON distribution_allocations FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER distribution_allocations_no_truncate BEFORE TRUNCATE ON distribution_allocations FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
-- The default distribution policy of PRODUCT.md §11, in force from the beginning. Its operations bucket
-- names no payee yet (a fresh commune has no organizations): a treasurer adds a version naming one.
INSERT INTO distribution_policies (effective_on, currency, minimum_payout_minor, created_by, created_at)
VALUES ('2000-01-01', 'EUR', 1000, NULL, '2000-01-01T00:00:00.000Z');
--> statement-breakpoint
INSERT INTO distribution_buckets (policy_id, position, key, kind, share_bps, payee_organization_id)
SELECT p.id, b.position, b.key, b.kind, b.share_bps, NULL::integer
FROM distribution_policies p, (VALUES
  (1, 'licensors', 'licensors', 6000),
  (2, 'dividend', 'dividend', 2000),
  (3, 'operations', 'fixed', 1000),
  (4, 'reserve', 'reserve', 1000)) AS b(position, key, kind, share_bps)
WHERE p.effective_on = '2000-01-01';
