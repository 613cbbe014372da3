// What `ledger check` holds the venture commune's books to (PRODUCT.md §14): each bond liability is the
// allotted principal less the principal repaid; each productive asset its issues' proceeds; rent income the
// rent lines issued; interest expense what holders received as interest; every rent payment split exactly; and
// an asset's sale: its book value out of the productive asset, its holders' receipts and losses summing to what
// the sale says, the liability ended by principal paid or written off, the proceeds booked whole.
import { sql } from "drizzle-orm";
import { toInt } from "../db/sql.js";
import type { Invariant } from "../ledger/invariant.js";
import { rowsInvariant } from "../ledger/ledger-invariants.js";

const n = (value: unknown) => String(toInt(value));

/** Credits − debits (`sign` 1) or debits − credits (−1) of the accounts starting with `prefix`, per account. */
const balances = (prefix: string, sign: 1 | -1) =>
  sql`select credit_account as account, currency, 0 as expected, ${sql.raw(String(sign))} * amount_minor as actual from ledger_transfers where credit_account like ${`${prefix}%`}
      union all select debit_account, currency, 0, ${sql.raw(String(-sign))} * amount_minor from ledger_transfers where debit_account like ${`${prefix}%`}`;

export const BOND_INVARIANTS: Invariant[] = [
  rowsInvariant(
    "each bond liability equals the allotted principal minus the principal repaid",
    sql`select account, sum(expected) as expected, sum(actual) as actual from (
          select 'liability:bonds:' || i.id as account, i.currency, i.sold_minor as expected, 0 as actual from bond_issues i where i.status in ('cleared', 'redeemed')
          union all select 'liability:bonds:' || r.issue_id, r.currency, -r.principal_minor, 0 from bond_receipts r
          union all select 'liability:bonds:' || x.issue_id, x.currency, -(x.principal_minor + x.principal_written_off_minor), 0 from asset_sale_receipts x
          union all ${balances("liability:bonds:", 1)}
        ) as movements group by account, currency having sum(expected) <> sum(actual)`,
    (r) => `${String(r.account)} is ${n(r.actual)} in the ledger but allotments less principal repaid or written off say ${n(r.expected)}`,
  ),
  rowsInvariant(
    "each productive asset equals the proceeds of its cleared bond issues, until it is sold",
    sql`select account, sum(expected) as expected, sum(actual) as actual from (
          select 'asset:productive:' || i.asset_id as account, i.currency, i.sold_minor as expected, 0 as actual from bond_issues i where i.status in ('cleared', 'redeemed')
          union all select 'asset:productive:' || s.asset_id, s.currency, -s.book_value_minor, 0 from asset_sales s
          union all ${balances("asset:productive:", -1)}
        ) as movements group by account, currency having sum(expected) <> sum(actual)`,
    (r) => `${String(r.account)} is ${n(r.actual)} in the ledger but its cleared issues raised ${n(r.expected)}`,
  ),
  rowsInvariant(
    "each asset's rent income equals its rent lines issued",
    sql`select account, sum(expected) as expected, sum(actual) as actual from (
          select 'income:rent:' || l.asset_id as account, i.currency, l.amount_minor as expected, 0 as actual
            from invoice_lines l join invoices i on i.id = l.invoice_id where l.kind = 'rent' and i.number is not null
          union all ${balances("income:rent:", 1)}
        ) as movements group by account, currency having sum(expected) <> sum(actual)`,
    (r) => `${String(r.account)} is ${n(r.actual)} in the ledger but rent lines issued say ${n(r.expected)}`,
  ),
  rowsInvariant(
    "interest expense equals the interest and arrears paid to holders",
    sql`select currency, sum(expected) as expected, sum(actual) as actual from (
          select currency, arrears_minor + interest_minor as expected, 0 as actual from bond_receipts
          union all select currency, arrears_minor, 0 from asset_sale_receipts
          union all select currency, 0, amount_minor from ledger_transfers where debit_account = 'expense:interest'
          union all select currency, 0, -amount_minor from ledger_transfers where credit_account = 'expense:interest'
        ) as movements group by currency having sum(expected) <> sum(actual)`,
    (r) => `interest expense in ${String(r.currency)} is ${n(r.actual)} in the ledger but holders received ${n(r.expected)}`,
  ),
  rowsInvariant(
    "every payment of a rent invoice is split exactly between holders and rent income",
    sql`select p.id, p.amount_minor, coalesce(b.s, 0) + coalesce(i.s, 0) as split from payments p
        left join (select payment_id, sum(arrears_minor + interest_minor + principal_minor) as s from bond_receipts group by payment_id) b on b.payment_id = p.id
        left join (select payment_id, sum(amount_minor) as s from rent_income group by payment_id) i on i.payment_id = p.id
        where exists (select 1 from rent_months m where m.invoice_id = p.invoice_id) and p.amount_minor <> coalesce(b.s, 0) + coalesce(i.s, 0)`,
    (r) => `payment ${n(r.id)} of ${n(r.amount_minor)} is split into ${n(r.split)}`,
  ),
  rowsInvariant(
    "each asset sale pays its holders, leaves its surplus and writes off their loss exactly, and books its proceeds",
    sql`select s.id, s.paid_to_holders_minor, s.written_off_minor, coalesce(x.paid, 0) as paid, coalesce(x.off, 0) as off
        from asset_sales s
        left join (select sale_id, sum(arrears_minor + principal_minor) as paid, sum(arrears_written_off_minor + principal_written_off_minor) as off
                   from asset_sale_receipts group by sale_id) x on x.sale_id = s.id
        where s.paid_to_holders_minor <> coalesce(x.paid, 0) or s.written_off_minor <> coalesce(x.off, 0)`,
    (r) =>
      `sale ${n(r.id)} paid its holders ${n(r.paid)} and wrote off ${n(r.off)}, but says ${n(r.paid_to_holders_minor)} and ${n(r.written_off_minor)}`,
  ),
  rowsInvariant(
    "each asset sale's ledger entry takes in its proceeds",
    sql`select s.id, s.proceeds_minor, coalesce(sum(x.amount_minor), 0) as cash from asset_sales s
        left join ledger_transfers x on x.debit_account = 'cash:fund'
          and (x.credit_account = 'asset:productive:' || s.asset_id or x.credit_account = 'income:asset_sale:' || s.asset_id)
          and exists (select 1 from ledger_transactions t where t.id = x.transaction_id and t.code = 'asset_sold')
        group by s.id, s.proceeds_minor having s.proceeds_minor <> coalesce(sum(x.amount_minor), 0)`,
    (r) => `sale ${n(r.id)} took in ${n(r.cash)} but its proceeds are ${n(r.proceeds_minor)}`,
  ),
];
