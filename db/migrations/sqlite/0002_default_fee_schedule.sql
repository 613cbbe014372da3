-- The default fee schedule of PRODUCT.md §4, in force from the beginning: EUR, a 1 % revenue cap.
INSERT INTO fee_schedules (id, effective_on, currency, revenue_cap_bps, created_by, created_at)
VALUES (1, '2000-01-01', 'EUR', 100, NULL, '2000-01-01T00:00:00.000Z');
--> statement-breakpoint
INSERT INTO fee_bands (fee_schedule_id, min_headcount, max_headcount, annual_fee_minor) VALUES
  (1, 1, 9, 12000),
  (1, 10, 49, 60000),
  (1, 50, 249, 240000),
  (1, 250, 999, 960000),
  (1, 1000, NULL, 2400000);
