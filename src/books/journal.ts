// The ledger as the export writes it: postings (one per side of each transfer), the CSV journal
// and the Beancount file. Pure; `verify-books` reads both back with the parsers below.
import { toDecimalString } from "../shared/money.js";
import { assert } from "../shared/errors.js";

export interface ExportTransaction {
  id: number;
  code: string;
  description: string;
  effectiveOn: string;
  invoiceNumber: string | null;
  transfers: { debitAccount: string; creditAccount: string; amountMinor: number; currency: string }[];
}

export interface Posting {
  transactionId: number;
  effectiveOn: string;
  code: string;
  invoiceNumber: string;
  account: string;
  beancountAccount: string;
  /** Debits positive, credits negative. */
  amountMinor: number;
  currency: string;
  description: string;
}

/** The columns of `journal.csv`, in order (documented in the README). */
export const JOURNAL_COLUMNS = [
  "ledger_entry_id",
  "effective_on",
  "code",
  "invoice_number",
  "account",
  "beancount_account",
  "amount_minor",
  "currency",
  "description",
] as const;

// Ledger account prefixes and the Beancount root each belongs under; a prefix that names its root
// (income:, expense:, …) is not repeated below it.
const ROOTS: Record<string, { root: string; keepPrefix: boolean }> = {
  cash: { root: "Assets", keepPrefix: true },
  receivable: { root: "Assets", keepPrefix: true },
  asset: { root: "Assets", keepPrefix: false },
  payable: { root: "Liabilities", keepPrefix: true },
  refund: { root: "Liabilities", keepPrefix: true },
  liability: { root: "Liabilities", keepPrefix: false },
  equity: { root: "Equity", keepPrefix: false },
  income: { root: "Income", keepPrefix: false },
  expense: { root: "Expenses", keepPrefix: false },
};

function component(segment: string): string {
  const cleaned = segment.replace(/[^A-Za-z0-9-]/g, "-");
  if (/^[a-z]/.test(cleaned)) return cleaned[0]!.toUpperCase() + cleaned.slice(1);
  return /^[A-Z0-9]/.test(cleaned) ? cleaned : `X${cleaned}`;
}

/** `receivable:12` → `Assets:Receivable:12`, `income:fees` → `Income:Fees`; unknown prefixes go under Assets. */
export function beancountAccount(account: string): string {
  const [prefix, ...rest] = account.split(":");
  const mapping = ROOTS[prefix!] ?? { root: "Assets", keepPrefix: true };
  const parts = [...(mapping.keepPrefix ? [prefix!] : []), ...rest].filter((p) => p.length > 0);
  return [mapping.root, ...(parts.length > 0 ? parts : ["Main"]).map(component)].join(":");
}

export function postingsOf(transactions: ExportTransaction[]): Posting[] {
  const names = new Map<string, string>();
  const postings: Posting[] = [];
  for (const t of transactions) {
    for (const transfer of t.transfers) {
      for (const [account, sign] of [
        [transfer.debitAccount, 1],
        [transfer.creditAccount, -1],
      ] as const) {
        const mapped = beancountAccount(account);
        assert((names.get(mapped) ?? account) === account, `accounts ${account} and ${names.get(mapped)} map to one Beancount account`);
        names.set(mapped, account);
        postings.push({
          transactionId: t.id,
          effectiveOn: t.effectiveOn,
          code: t.code,
          invoiceNumber: t.invoiceNumber ?? "",
          account,
          beancountAccount: mapped,
          amountMinor: sign * transfer.amountMinor,
          currency: transfer.currency,
          description: t.description,
        });
      }
    }
  }
  return postings;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function journalCsv(postings: Posting[]): string {
  const rows = postings.map((p) =>
    [p.transactionId, p.effectiveOn, p.code, p.invoiceNumber, p.account, p.beancountAccount, p.amountMinor, p.currency, p.description]
      .map(csvField)
      .join(","),
  );
  return `${[JOURNAL_COLUMNS.join(","), ...rows].join("\r\n")}\r\n`;
}

/** RFC 4180 CSV, as `journalCsv` writes it. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
      if (ch === "\r") i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

export function amountText(amountMinor: number, currency: string): string {
  return toDecimalString(amountMinor, currency);
}
