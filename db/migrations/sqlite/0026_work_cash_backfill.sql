-- Work cash from the attributions recorded before it existed: each attribution's month paid, and the latest
-- distribution run's month when it was recorded (the runs dated before it; '' before any run).
INSERT INTO work_cash (month, recorded_after, work_id, currency, cash_minor, attributions)
SELECT month, recorded_after, work_id, currency, sum(amount_minor), count(*) FROM (
  SELECT substr(a.paid_on, 1, 7) AS month,
    coalesce((SELECT max(r.month) FROM distribution_runs r WHERE r.created_at < a.created_at), '') AS recorded_after,
    a.work_id, a.currency, a.amount_minor
  FROM payment_attributions a
) AS attributed
GROUP BY month, recorded_after, work_id, currency;
