// The invariants between invoices and the books: each invoice's status, paid, credited and refunded
// amounts agree with one another and with its ledger entries; fee income is what was issued less what
// was credited; cash is what was paid less what was refunded; numbers run without gaps.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { CASH_ACCOUNT, FEE_INCOME_ACCOUNT } from "../ledger/accounts.js";
import type { Invariant, Row } from "../ledger/invariant.js";
import { rowsInvariant } from "../ledger/ledger-invariants.js";
import { parseInvoiceNumber } from "./invoice-rules.js";
import type { InvoiceStatus } from "./vocabulary.js";

const n = (value: unknown) => String(toInt(value));

/** An invoice with what its payments, credit note, refunds and ledger entries add up to. */
export interface InvoiceBooks {
  id: number;
  number: string | null;
  status: InvoiceStatus;
  totalMinor: number;
  paidMinor: number;
  refundedMinor: number;
  /** Null without a credit note. */
  creditedMinor: number | null;
  ledger: { receivable: number; income: number; cash: number; refund: number };
}

async function invoiceBooks(db: Db): Promise<InvoiceBooks[]> {
  const side = (account: string, sign: 1 | -1) =>
    sql`sum(case when x.debit_account ${account.endsWith("%") ? sql`like` : sql`=`} ${account} then ${sign} * x.amount_minor else 0 end)
      - sum(case when x.credit_account ${account.endsWith("%") ? sql`like` : sql`=`} ${account} then ${sign} * x.amount_minor else 0 end)`;
  const rows = await queryRows<Row>(
    db,
    sql`select i.id, i.number, i.status, i.total_minor, coalesce(p.s, 0) as paid, coalesce(r.s, 0) as refunded, c.amount_minor as credited,
          coalesce(l.receivable, 0) as receivable, coalesce(l.income, 0) as income, coalesce(l.cash, 0) as cash, coalesce(l.refund, 0) as refund
        from invoices i
        left join (select invoice_id, sum(amount_minor) as s from payments group by invoice_id) p on p.invoice_id = i.id
        left join (select invoice_id, sum(amount_minor) as s from refunds group by invoice_id) r on r.invoice_id = i.id
        left join credit_notes c on c.invoice_id = i.id
        left join (select t.invoice_id, ${side("receivable:%", 1)} as receivable, ${side("income:%", -1)} as income,
                     ${side(CASH_ACCOUNT, 1)} as cash, ${side("refund:%", -1)} as refund
                   from ledger_transfers x join ledger_transactions t on t.id = x.transaction_id
                   where t.invoice_id is not null group by t.invoice_id) l on l.invoice_id = i.id
        order by i.id`,
  );
  return rows.map((r) => ({
    id: toInt(r.id),
    number: (r.number as string | null) ?? null,
    status: r.status as InvoiceStatus,
    totalMinor: toInt(r.total_minor),
    paidMinor: toInt(r.paid),
    refundedMinor: toInt(r.refunded),
    creditedMinor: r.credited === null || r.credited === undefined ? null : toInt(r.credited),
    ledger: { receivable: toInt(r.receivable), income: toInt(r.income), cash: toInt(r.cash), refund: toInt(r.refund) },
  }));
}

const label = (i: InvoiceBooks) => `invoice ${i.number ?? `#${i.id}`} (${i.status})`;

/** What is wrong with an invoice's status given its payments, credit note and refunds; nothing when they agree. */
export function statusFindings(i: InvoiceBooks): string[] {
  const { totalMinor: total, paidMinor: paid, refundedMinor: refunded, creditedMinor: credited } = i;
  const found: string[] = [];
  const amounts = `${paid} paid of ${total}`;
  if (i.status === "held" && (i.number !== null || paid > 0)) found.push(`${label(i)} has a number or payments`);
  if (i.status !== "held" && i.status !== "void" && i.number === null) found.push(`${label(i)} has no number`);
  if (i.status === "issued" && (paid !== 0 || total === 0)) found.push(`${label(i)} has ${amounts}`);
  if (i.status === "partially_paid" && !(paid > 0 && paid < total)) found.push(`${label(i)} has ${amounts}`);
  if (i.status === "paid" && paid !== total) found.push(`${label(i)} has ${amounts}`);
  if (paid > total) found.push(`${label(i)} has ${amounts}`);
  if (i.status === "void") {
    const expected = i.number === null ? 0 : total;
    if (credited === null) found.push(`${label(i)} has no credit note`);
    else if (credited !== expected) found.push(`${label(i)} has a credit note of ${credited}, expected ${expected}`);
    if (refunded > paid) found.push(`${label(i)} has ${refunded} refunded of ${paid} paid`);
  } else {
    if (credited !== null) found.push(`${label(i)} has a credit note but is not void`);
    if (refunded > 0) found.push(`${label(i)} has refunds but is not void`);
  }
  return found;
}

/**
 * What is wrong with an invoice's ledger entries given its amounts: issuing moves the total from fee
 * income to the receivable, payments from the receivable to cash, a void takes the total back from
 * income and moves what was paid from the receivable to the refund due, refunds pay that out of cash.
 */
export function ledgerFindings(i: InvoiceBooks): string[] {
  const issued = i.number === null ? 0 : i.totalMinor;
  const isVoid = i.status === "void";
  const expected = {
    income: issued - (i.creditedMinor ?? 0),
    receivable: isVoid ? 0 : issued - i.paidMinor,
    cash: i.paidMinor - i.refundedMinor,
    refund: isVoid ? i.paidMinor - i.refundedMinor : 0,
  };
  const names = { income: "fee income", receivable: "receivable", cash: "cash", refund: "refund due" } as const;
  return (Object.keys(expected) as (keyof typeof expected)[])
    .filter((k) => i.ledger[k] !== expected[k])
    .map((k) => `${label(i)}: ${names[k]} is ${i.ledger[k]} in its ledger entries, expected ${expected[k]}`);
}

/** Per year, numbers 1…count each once, whatever their width; and the year's sequence at the highest. */
export function numberingFindings(numbers: string[], sequences: Map<number, number>): string[] {
  const years = new Map<number, number[]>();
  const found: string[] = [];
  for (const number of numbers) {
    const parsed = parseInvoiceNumber(number);
    const digits = number.slice(number.lastIndexOf("-") + 1);
    // Written by `formatInvoiceNumber`: six digits, or more without a leading zero.
    if (!parsed || (digits.length > 6 && digits.startsWith("0"))) {
      found.push(`invoice number ${number} is not of the form PREFIX-YYYY-NNNNNN (at least six digits, no more leading zeros)`);
      continue;
    }
    const year = years.get(parsed.year);
    if (year) year.push(parsed.n);
    else years.set(parsed.year, [parsed.n]);
  }
  for (const [year, list] of [...years].sort(([a], [b]) => a - b)) {
    const sorted = Float64Array.from(list).sort();
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i] === sorted[i - 1]) found.push(`invoice number ${sorted[i]} of ${year} is used twice`);
    const top = sorted[sorted.length - 1]!;
    if (top !== sorted.length || sorted[0] !== 1)
      found.push(`invoice numbers of ${year}: ${sorted.length} numbers but the highest is ${top}`);
    const last = sequences.get(year) ?? 0;
    if (last !== top) found.push(`invoice numbers of ${year}: the sequence is at ${last} but the highest number is ${top}`);
  }
  for (const [year, last] of sequences)
    if (!years.has(year) && last !== 0) found.push(`invoice numbers of ${year}: the sequence is at ${last} but no invoice has one`);
  return found;
}

async function numberGaps(db: Db): Promise<string[]> {
  const numbers = await queryRows<{ number: string }>(db, sql`select number from invoices where number is not null`);
  const sequences = await queryRows<{ year: unknown; last_number: unknown }>(
    db,
    sql`select year, last_number from invoice_number_sequences`,
  );
  return numberingFindings(
    numbers.map((r) => r.number),
    new Map(sequences.map((s) => [toInt(s.year), toInt(s.last_number)])),
  );
}

/** The movements of `account` per currency against what the documents say (`expected`), where they differ. */
function accountAgainst(account: string, expected: SQL): SQL {
  return sql`select currency, sum(expected) as expected, sum(actual) as actual from (
      ${expected}
      union all select currency, 0, amount_minor from ledger_transfers where credit_account = ${account}
      union all select currency, 0, -amount_minor from ledger_transfers where debit_account = ${account}
    ) as movements group by currency having sum(expected) <> sum(actual)`;
}

export const INVOICE_INVARIANTS: Invariant[] = [
  {
    name: "every invoice's status agrees with its payments, credit note and refunds",
    violations: async (db, reads) => (await reads.once("invoice books", () => invoiceBooks(db))).flatMap(statusFindings),
  },
  {
    name: "every invoice's ledger entries agree with its total, payments, credit note and refunds",
    violations: async (db, reads) => (await reads.once("invoice books", () => invoiceBooks(db))).flatMap(ledgerFindings),
  },
  rowsInvariant(
    "fee income equals issued minus credited, per currency",
    accountAgainst(
      FEE_INCOME_ACCOUNT,
      // Rent lines are rent income (the bonds' invariants hold them); rent invoices are never void.
      sql`select i.currency, i.total_minor - coalesce(r.s, 0) as expected, 0 as actual from invoices i
            left join (select invoice_id, sum(amount_minor) as s from invoice_lines where kind = 'rent' group by invoice_id) r on r.invoice_id = i.id
          where i.number is not null
          union all select i.currency, -c.amount_minor, 0 from credit_notes c join invoices i on i.id = c.invoice_id`,
    ),
    (r) => `fee income in ${String(r.currency)} is ${n(r.actual)} in the ledger but invoices less credit notes say ${n(r.expected)}`,
  ),
  rowsInvariant(
    "each receivable equals issued totals minus payments minus credits, plus what void invoices had paid",
    sql`select account, sum(expected) as expected, sum(actual) as actual from (
          select 'receivable:' || i.organization_id as account, i.currency, i.total_minor as expected, 0 as actual from invoices i where i.number is not null
          union all select 'receivable:' || i.organization_id, i.currency, -p.amount_minor, 0 from payments p join invoices i on i.id = p.invoice_id where i.status <> 'void'
          union all select 'receivable:' || i.organization_id, i.currency, -c.amount_minor, 0 from credit_notes c join invoices i on i.id = c.invoice_id
          union all select debit_account, currency, 0, amount_minor from ledger_transfers where debit_account like 'receivable:%'
          union all select credit_account, currency, 0, -amount_minor from ledger_transfers where credit_account like 'receivable:%'
        ) as movements group by account, currency having sum(expected) <> sum(actual)`,
    (r) => `${String(r.account)} is ${n(r.actual)} in the ledger but invoices say ${n(r.expected)}`,
  ),
  rowsInvariant(
    // Cash also takes in the proceeds of assets' sales (PRODUCT.md §14), counted here like payments.
    "cash equals payments minus refunds and confirmed payouts, per currency",
    accountAgainst(
      CASH_ACCOUNT,
      sql`select currency, -amount_minor as expected, 0 as actual from payments union all select currency, amount_minor, 0 from refunds
          union all select currency, amount_minor, 0 from payouts where status = 'confirmed'
          union all select currency, -proceeds_minor, 0 from asset_sales`,
    ),
    // The cash account is debit-normal: the query counts credits as positive, so both sides are negated.
    (r) =>
      `cash in ${String(r.currency)} is ${String(-toInt(r.actual))} in the ledger but payments less refunds and payouts say ${String(-toInt(r.expected))}`,
  ),
  rowsInvariant(
    "every payment has exactly one ledger entry, moving its amount",
    sql`select p.id, p.amount_minor, count(distinct t.id) as n, coalesce(sum(x.amount_minor), 0) as moved from payments p
        left join ledger_transactions t on t.payment_id = p.id left join ledger_transfers x on x.transaction_id = t.id
        group by p.id, p.amount_minor having count(distinct t.id) <> 1 or coalesce(sum(x.amount_minor), 0) <> p.amount_minor`,
    (r) => `payment ${n(r.id)} of ${n(r.amount_minor)} has ${n(r.n)} ledger entries moving ${n(r.moved)}`,
  ),
  rowsInvariant(
    "every refund has exactly one ledger entry, moving its amount",
    sql`select f.id, f.amount_minor, count(distinct t.id) as n, coalesce(sum(x.amount_minor), 0) as moved from refunds f
        left join ledger_transactions t on t.refund_id = f.id left join ledger_transfers x on x.transaction_id = t.id
        group by f.id, f.amount_minor having count(distinct t.id) <> 1 or coalesce(sum(x.amount_minor), 0) <> f.amount_minor`,
    (r) => `refund ${n(r.id)} of ${n(r.amount_minor)} has ${n(r.n)} ledger entries moving ${n(r.moved)}`,
  ),
  rowsInvariant(
    "invoice totals equal the sum of their lines",
    sql`select i.id, i.number from invoices i left join (select invoice_id, sum(amount_minor) as s from invoice_lines group by invoice_id) l on l.invoice_id = i.id
        where i.total_minor <> coalesce(l.s, 0)`,
    (r) => `invoice ${typeof r.number === "string" ? r.number : `#${n(r.id)}`} total differs from its lines`,
  ),
  { name: "invoice numbers of a year run from 1 without gaps", violations: numberGaps },
  rowsInvariant(
    "the grants of a void invoice are revoked, and only those",
    sql`select g.id, i.number, i.status from grants g join invoices i on i.id = g.invoice_id
        where (i.status = 'void') <> (g.revoked_on is not null)`,
    (r) =>
      `grant ${String(r.id)} of invoice ${String(r.number)} (${String(r.status)}) is ${r.status === "void" ? "not revoked" : "revoked"}`,
  ),
];
