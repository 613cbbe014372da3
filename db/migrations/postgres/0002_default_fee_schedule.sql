-- The default fee schedule of PRODUCT.md §4, in force from the beginning: EUR, a 1 % revenue cap.
-- The schedule takes id 1 from its identity (explicit ids would leave the identity behind).
INSERT INTO fee_schedules (effective_on, currency, revenue_cap_bps, created_by, created_at)
VALUES ('2000-01-01', 'EUR', 100, NULL, '2000-01-01T00:00:00.000Z');
--> statement-breakpoint
INSERT INTO fee_bands (fee_schedule_id, min_headcount, max_headcount, annual_fee_minor)
SELECT id, b.min_headcount, b.max_headcount, b.annual_fee_minor
FROM fee_schedules, (VALUES
  (1, 9, 12000),
  (10, 49, 60000),
  (50, 249, 240000),
  (250, 999, 960000),
  (1000, NULL::integer, 2400000)) AS b(min_headcount, max_headcount, annual_fee_minor)
WHERE fee_schedules.effective_on = '2000-01-01';
