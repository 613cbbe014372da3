// Every invariant the books must keep, checked against the database. Each check is one query
// returning the offending rows; the first violation found is reported by name. The queries run on
// both engines: every derived table has an alias, and numbers are read through `toInt` (PostgreSQL
// returns sums and counts as strings).
import { isNotNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { invoices } from "../db/schema.js";
import { parseInvoiceNumber } from "../invoices/invoice-rules.js";
import { CASH_ACCOUNT } from "./accounts.js";
import { DISTRIBUTION_CHECKS } from "../distribution/check-distribution.js";

export interface LedgerViolation {
  invariant: string;
  detail: string;
}

type Row = Record<string, unknown>;

interface Check {
  invariant: string;
  rows: (db: Db) => Promise<Row[]>;
  describe: (row: Row) => string;
}

const raw = (query: SQL) => (db: Db) => queryRows<Row>(db, query);
const n = (value: unknown) => String(toInt(value));

const CHECKS: Check[] = [
  {
    invariant: "every transaction has transfers",
    rows: raw(
      sql`select t.id from ledger_transactions t where not exists (select 1 from ledger_transfers x where x.transaction_id = t.id)`,
    ),
    describe: (r) => `transaction ${n(r.id)} has no transfers`,
  },
  {
    invariant: "every transaction balances (positive amounts between two accounts, one currency)",
    rows: raw(sql`select transaction_id as id from ledger_transfers group by transaction_id
          having min(amount_minor) <= 0 or count(distinct currency) > 1 or sum(case when debit_account = credit_account then 1 else 0 end) > 0`),
    describe: (r) => `transaction ${n(r.id)} does not balance`,
  },
  {
    invariant: "no transfer is reversed twice",
    rows: raw(
      sql`select reverses_transfer_id as id, count(*) as n from ledger_transfers where reverses_transfer_id is not null group by reverses_transfer_id having count(*) > 1`,
    ),
    describe: (r) => `transfer ${n(r.id)} is reversed ${n(r.n)} times`,
  },
  {
    invariant: "a reversal mirrors the transfer it reverses",
    rows: raw(sql`select r.id from ledger_transfers r join ledger_transfers o on o.id = r.reverses_transfer_id
          where r.amount_minor <> o.amount_minor or r.currency <> o.currency or r.debit_account <> o.credit_account or r.credit_account <> o.debit_account`),
    describe: (r) => `transfer ${n(r.id)} does not mirror the transfer it reverses`,
  },
  {
    invariant: "each receivable equals issued totals minus payments minus credits",
    rows: raw(sql`select account, sum(expected) as expected, sum(actual) as actual from (
            select 'receivable:' || i.organization_id as account, i.currency, i.total_minor as expected, 0 as actual from invoices i where i.number is not null
            union all select 'receivable:' || i.organization_id, i.currency, -p.amount_minor, 0 from payments p join invoices i on i.id = p.invoice_id
            union all select 'receivable:' || i.organization_id, i.currency, -c.amount_minor, 0 from credit_notes c join invoices i on i.id = c.invoice_id
            union all select debit_account, currency, 0, amount_minor from ledger_transfers where debit_account like 'receivable:%'
            union all select credit_account, currency, 0, -amount_minor from ledger_transfers where credit_account like 'receivable:%'
          ) as movements group by account, currency having sum(expected) <> sum(actual)`),
    describe: (r) => `${String(r.account)} is ${n(r.actual)} in the ledger but invoices say ${n(r.expected)}`,
  },
  {
    invariant: "cash equals the payments recorded less confirmed payouts",
    rows: raw(sql`select p.currency, p.total, coalesce(l.total, 0) as ledger from (select currency, sum(amount) as total from (
                   select currency, amount_minor as amount from payments
                   union all select currency, -amount_minor from payouts where status = 'confirmed') as cash_movements group by currency) p
          left join (select currency, sum(case when debit_account = ${CASH_ACCOUNT} then amount_minor else -amount_minor end) as total
                     from ledger_transfers where debit_account = ${CASH_ACCOUNT} or credit_account = ${CASH_ACCOUNT} group by currency) l on l.currency = p.currency
          where p.total <> coalesce(l.total, 0)`),
    describe: (r) => `cash in ${String(r.currency)} is ${n(r.ledger)} in the ledger but payments less payouts total ${n(r.total)}`,
  },
  {
    invariant: "every payment has exactly one ledger transaction",
    rows: raw(sql`select p.id, coalesce(t.n, 0) as n from payments p left join (select payment_id, count(*) as n from ledger_transactions where payment_id is not null group by payment_id) t on t.payment_id = p.id
          where coalesce(t.n, 0) <> 1`),
    describe: (r) => `payment ${n(r.id)} has ${n(r.n)} ledger transactions`,
  },
  {
    invariant: "invoice status agrees with payments",
    rows: raw(sql`select i.number, i.status, i.total_minor, coalesce(p.paid, 0) as paid from invoices i
          left join (select invoice_id, sum(amount_minor) as paid from payments group by invoice_id) p on p.invoice_id = i.id
          where (i.status = 'paid' and coalesce(p.paid, 0) <> i.total_minor)
             or (i.status = 'partially_paid' and coalesce(p.paid, 0) not between 1 and i.total_minor - 1)
             or (i.status in ('issued', 'held') and coalesce(p.paid, 0) > 0)`),
    describe: (r) => `invoice ${String(r.number)} is ${String(r.status)} with ${n(r.paid)} paid of ${n(r.total_minor)}`,
  },
  {
    invariant: "invoice totals equal the sum of their lines",
    rows: raw(sql`select i.id, i.number from invoices i left join (select invoice_id, sum(amount_minor) as s from invoice_lines group by invoice_id) l on l.invoice_id = i.id
          where i.total_minor <> coalesce(l.s, 0)`),
    describe: (r) => `invoice ${String(r.number ?? r.id)} total differs from its lines`,
  },
  {
    invariant: "invoice numbers of a year run from 1 without gaps",
    rows: numberGaps,
    describe: (r) =>
      r.malformed === undefined
        ? `invoice numbers of ${n(r.year)}: ${n(r.n)} invoices but the highest number is ${n(r.top)}`
        : `invoice number ${r.malformed as string} is not of the form PREFIX-YYYY-NNNNNN`,
  },
];

/**
 * Per year of issue, the count and the highest number where they disagree or numbering does not
 * start at 1 (and any number not written by `formatInvoiceNumber`). Read in code, through the one
 * parser of numbers, rather than taken apart in SQL.
 */
async function numberGaps(db: Db): Promise<Row[]> {
  const years = new Map<number, { n: number; top: number; bottom: number }>();
  const malformed: Row[] = [];
  for (const { number } of await db.select({ number: invoices.number }).from(invoices).where(isNotNull(invoices.number))) {
    const parsed = parseInvoiceNumber(number!);
    if (!parsed) {
      malformed.push({ malformed: number });
      continue;
    }
    const y = years.get(parsed.year) ?? { n: 0, top: 0, bottom: Infinity };
    years.set(parsed.year, { n: y.n + 1, top: Math.max(y.top, parsed.n), bottom: Math.min(y.bottom, parsed.n) });
  }
  const gaps = [...years]
    .filter(([, y]) => y.n !== y.top || y.bottom !== 1)
    .sort(([a], [b]) => a - b)
    .map(([year, y]): Row => ({ year, n: y.n, top: y.top }));
  return [...malformed, ...gaps];
}

export async function checkLedger(db: Db): Promise<LedgerViolation[]> {
  const violations: LedgerViolation[] = [];
  for (const check of [...CHECKS, ...DISTRIBUTION_CHECKS]) {
    for (const row of await check.rows(db)) violations.push({ invariant: check.invariant, detail: check.describe(row) });
  }
  return violations;
}
