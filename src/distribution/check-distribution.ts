// The invariants of distribution, checked by `reciprocity ledger check` beside the ledger's own: line nets
// add up to their invoice, attributions to their payment and (once paid) to every line's net, work cash to
// the attributions it sums, and each payable account to what approved runs allocated less what confirmed
// payouts settled.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";

type Row = Record<string, unknown>;

export interface DistributionCheck {
  invariant: string;
  rows: (db: Db) => Promise<Row[]>;
  describe: (row: Row) => string;
}

const n = (value: unknown) => String(toInt(value));

export const DISTRIBUTION_CHECKS: DistributionCheck[] = [
  {
    invariant: "line nets sum to their invoice's total",
    rows: (db) =>
      queryRows<Row>(
        db,
        sql`select i.id, i.number, i.total_minor, s.nets from invoices i join (select invoice_id, sum(net_minor) as nets from invoice_line_nets group by invoice_id) s on s.invoice_id = i.id
            where s.nets <> i.total_minor`,
      ),
    describe: (r) => `invoice ${String(r.number ?? r.id)} totals ${n(r.total_minor)} but its line nets ${n(r.nets)}`,
  },
  {
    invariant: "every payment of an invoice with line nets is attributed exactly",
    rows: (db) =>
      queryRows<Row>(
        db,
        sql`select p.id, p.amount_minor, coalesce(a.s, 0) as attributed from payments p
            left join (select payment_id, sum(amount_minor) as s from payment_attributions where kind = 'payment' group by payment_id) a on a.payment_id = p.id
            where exists (select 1 from invoice_line_nets n where n.invoice_id = p.invoice_id) and coalesce(a.s, 0) <> p.amount_minor`,
      ),
    describe: (r) => `payment ${n(r.id)} of ${n(r.amount_minor)} has ${n(r.attributed)} attributed`,
  },
  {
    invariant: "every refund of an invoice with line nets is taken back from its lines exactly",
    rows: (db) =>
      queryRows<Row>(
        db,
        sql`select r.id, r.amount_minor, coalesce(a.s, 0) as attributed from refunds r
            left join (select refund_id, sum(amount_minor) as s from payment_attributions where kind = 'refund' group by refund_id) a on a.refund_id = r.id
            where exists (select 1 from invoice_line_nets n where n.invoice_id = r.invoice_id) and coalesce(a.s, 0) <> -r.amount_minor`,
      ),
    describe: (r) => `refund ${n(r.id)} of ${n(r.amount_minor)} has ${n(r.attributed)} taken back from its lines`,
  },
  {
    invariant: "every line of a paid invoice is attributed its net exactly",
    rows: (db) =>
      queryRows<Row>(
        db,
        sql`select n.invoice_line_id as id, n.net_minor, coalesce(a.s, 0) as attributed from invoice_line_nets n join invoices i on i.id = n.invoice_id
            left join (select invoice_line_id, sum(amount_minor) as s from payment_attributions group by invoice_line_id) a on a.invoice_line_id = n.invoice_line_id
            where i.status = 'paid' and coalesce(a.s, 0) <> n.net_minor`,
      ),
    describe: (r) => `invoice line ${n(r.id)} nets ${n(r.net_minor)} but ${n(r.attributed)} is attributed`,
  },
  {
    invariant: "work cash equals the attributions it sums",
    rows: (db) =>
      queryRows<Row>(
        db,
        sql`select month, recorded_after, work_id, currency, sum(expected) as expected, sum(actual) as actual, sum(expected_n) as expected_n, sum(actual_n) as actual_n from (
              select substr(a.paid_on, 1, 7) as month,
                  coalesce((select max(r.month) from distribution_runs r where r.created_at < a.created_at), '') as recorded_after,
                  a.work_id, a.currency, a.amount_minor as expected, 0 as actual, 1 as expected_n, 0 as actual_n
                from payment_attributions a
              union all select month, recorded_after, work_id, currency, 0, cash_minor, 0, attributions from work_cash
            ) as sums group by month, recorded_after, work_id, currency
            having sum(expected) <> sum(actual) or sum(expected_n) <> sum(actual_n)`,
      ),
    describe: (r) =>
      `work ${n(r.work_id)}'s cash of ${String(r.month)} in ${String(r.currency)} (recorded after the run of ${String(r.recorded_after) || "no month"}) is ${n(r.actual)} from ${n(r.actual_n)} attributions, but its attributions sum to ${n(r.expected)} from ${n(r.expected_n)}`,
  },
  {
    invariant: "payables equal approved allocations minus confirmed payouts",
    rows: (db) =>
      queryRows<Row>(
        db,
        sql`select account, sum(expected) as expected, sum(actual) as actual from (
              select 'payable:' || a.organization_id as account, a.currency, a.amount_minor as expected, 0 as actual
                from distribution_allocations a join distribution_runs r on r.id = a.run_id where r.status = 'approved' and a.organization_id is not null
              union all select 'payable:' || organization_id, currency, -amount_minor, 0 from payouts where status = 'confirmed'
              union all select 'payable:' || organization_id, currency, arrears_minor + interest_minor + principal_minor, 0 from bond_receipts
              union all select 'payable:' || organization_id, currency, arrears_minor + principal_minor, 0 from asset_sale_receipts
              union all select credit_account, currency, 0, amount_minor from ledger_transfers where credit_account like 'payable:%'
              union all select debit_account, currency, 0, -amount_minor from ledger_transfers where debit_account like 'payable:%'
            ) as movements group by account, currency having sum(expected) <> sum(actual)`,
      ),
    describe: (r) =>
      `${String(r.account)} is ${n(r.actual)} in the ledger but approved allocations less confirmed payouts say ${n(r.expected)}`,
  },
];
