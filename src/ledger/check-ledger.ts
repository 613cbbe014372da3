// Every invariant the books must keep, checked against the database. Each check is one SQL
// query returning the offending rows; the first violation found is reported by name.
import type { Db } from "../db/client.js";

export interface LedgerViolation {
  invariant: string;
  detail: string;
}

interface Check {
  invariant: string;
  sql: string;
  describe: (row: Record<string, unknown>) => string;
}

const CHECKS: Check[] = [
  {
    invariant: "every transaction has transfers",
    sql: "select t.id from ledger_transactions t where not exists (select 1 from ledger_transfers x where x.transaction_id = t.id)",
    describe: (r) => `transaction ${String(r.id)} has no transfers`,
  },
  {
    invariant: "every transaction balances (positive amounts between two accounts, one currency)",
    sql: `select transaction_id as id from ledger_transfers group by transaction_id
          having min(amount_minor) <= 0 or count(distinct currency) > 1 or sum(case when debit_account = credit_account then 1 else 0 end) > 0`,
    describe: (r) => `transaction ${String(r.id)} does not balance`,
  },
  {
    invariant: "no transfer is reversed twice",
    sql: "select reverses_transfer_id as id, count(*) as n from ledger_transfers where reverses_transfer_id is not null group by reverses_transfer_id having count(*) > 1",
    describe: (r) => `transfer ${String(r.id)} is reversed ${String(r.n)} times`,
  },
  {
    invariant: "a reversal mirrors the transfer it reverses",
    sql: `select r.id from ledger_transfers r join ledger_transfers o on o.id = r.reverses_transfer_id
          where r.amount_minor <> o.amount_minor or r.currency <> o.currency or r.debit_account <> o.credit_account or r.credit_account <> o.debit_account`,
    describe: (r) => `transfer ${String(r.id)} does not mirror the transfer it reverses`,
  },
  {
    invariant: "each receivable equals issued totals minus payments minus credits",
    sql: `select account, sum(expected) as expected, sum(actual) as actual from (
            select 'receivable:' || i.organization_id as account, i.currency, i.total_minor as expected, 0 as actual from invoices i where i.number is not null
            union all select 'receivable:' || i.organization_id, i.currency, -p.amount_minor, 0 from payments p join invoices i on i.id = p.invoice_id
            union all select 'receivable:' || i.organization_id, i.currency, -c.amount_minor, 0 from credit_notes c join invoices i on i.id = c.invoice_id
            union all select debit_account, currency, 0, amount_minor from ledger_transfers where debit_account like 'receivable:%'
            union all select credit_account, currency, 0, -amount_minor from ledger_transfers where credit_account like 'receivable:%'
          ) group by account, currency having sum(expected) <> sum(actual)`,
    describe: (r) => `${String(r.account)} is ${String(r.actual)} in the ledger but invoices say ${String(r.expected)}`,
  },
  {
    invariant: "cash equals the payments recorded",
    sql: `select p.currency, p.total, coalesce(l.total, 0) as ledger from (select currency, sum(amount_minor) as total from payments group by currency) p
          left join (select currency, sum(case when debit_account = 'cash:fund' then amount_minor else -amount_minor end) as total
                     from ledger_transfers where debit_account = 'cash:fund' or credit_account = 'cash:fund' group by currency) l on l.currency = p.currency
          where p.total <> coalesce(l.total, 0)`,
    describe: (r) => `cash in ${String(r.currency)} is ${String(r.ledger)} in the ledger but payments total ${String(r.total)}`,
  },
  {
    invariant: "every payment has exactly one ledger transaction",
    sql: `select p.id, coalesce(t.n, 0) as n from payments p left join (select payment_id, count(*) as n from ledger_transactions where payment_id is not null group by payment_id) t on t.payment_id = p.id
          where coalesce(t.n, 0) <> 1`,
    describe: (r) => `payment ${String(r.id)} has ${String(r.n)} ledger transactions`,
  },
  {
    invariant: "invoice status agrees with payments",
    sql: `select i.number, i.status, i.total_minor, coalesce(p.paid, 0) as paid from invoices i
          left join (select invoice_id, sum(amount_minor) as paid from payments group by invoice_id) p on p.invoice_id = i.id
          where (i.status = 'paid' and coalesce(p.paid, 0) <> i.total_minor)
             or (i.status = 'partially_paid' and coalesce(p.paid, 0) not between 1 and i.total_minor - 1)
             or (i.status in ('issued', 'held') and coalesce(p.paid, 0) > 0)`,
    describe: (r) => `invoice ${String(r.number)} is ${String(r.status)} with ${String(r.paid)} paid of ${String(r.total_minor)}`,
  },
  {
    invariant: "invoice totals equal the sum of their lines",
    sql: `select i.id, i.number from invoices i left join (select invoice_id, sum(amount_minor) as s from invoice_lines group by invoice_id) l on l.invoice_id = i.id
          where i.total_minor <> coalesce(l.s, 0)`,
    describe: (r) => `invoice ${String(r.number ?? r.id)} total differs from its lines`,
  },
  {
    invariant: "invoice numbers of a year run from 1 without gaps",
    sql: `select year, count(*) as n, max(seq) as top from (
            select cast(substr(number, length(number) - 10, 4) as integer) as year, cast(substr(number, -6) as integer) as seq from invoices where number is not null
          ) group by year having count(*) <> max(seq) or min(seq) <> 1`,
    describe: (r) => `invoice numbers of ${String(r.year)}: ${String(r.n)} invoices but the highest number is ${String(r.top)}`,
  },
];

export function checkLedger(db: Db): LedgerViolation[] {
  const violations: LedgerViolation[] = [];
  for (const check of CHECKS) {
    const rows = db.$client.prepare(check.sql).all() as Record<string, unknown>[];
    for (const row of rows) violations.push({ invariant: check.invariant, detail: check.describe(row) });
  }
  return violations;
}
