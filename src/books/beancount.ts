// `ledger.beancount`: one Beancount transaction per ledger transaction (its id as `ledger-id`
// metadata, `^invoice-<number>` linking an invoice's issue, payments and credit note), an `open` per
// account, and a `balance` assertion per account and currency at the start of every month after its
// first, so `bean-check` recomputes every balance. Also the small reader `verify-books` uses.
import { amountText, type Posting } from "./journal.js";

function quoted(text: string): string {
  return `"${text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')}"`;
}

export const invoiceLink = (number: string): string => `^invoice-${number.replace(/[^A-Za-z0-9\-_/.]/g, "-")}`;

const nextMonthStart = (date: string): string => {
  const [y, m] = date.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
};

/** The month starts after `first`'s month up to and including the one after `last`'s. */
function monthStartsBetween(first: string, last: string): string[] {
  const starts = [];
  const end = nextMonthStart(last);
  for (let d = nextMonthStart(first); d <= end; d = nextMonthStart(d)) starts.push(d);
  return starts;
}

export function renderBeancount(postings: Posting[], meta: { title: string; exportedAt: string }): string {
  const byTransaction = new Map<number, Posting[]>();
  for (const p of postings) byTransaction.set(p.transactionId, [...(byTransaction.get(p.transactionId) ?? []), p]);
  const firstUse = new Map<string, string>();
  for (const p of postings)
    if ((firstUse.get(p.beancountAccount) ?? "9999") > p.effectiveOn) firstUse.set(p.beancountAccount, p.effectiveOn);
  const currencies = [...new Set(postings.map((p) => p.currency))].sort();
  const out = [
    `; ${meta.title}: the books exported at ${meta.exportedAt}. One transaction per ledger transaction.`,
    `option "title" ${quoted(meta.title)}`,
    ...currencies.map((c) => `option "operating_currency" "${c}"`),
    "",
    ...[...firstUse].sort(([a], [b]) => a.localeCompare(b)).map(([account, date]) => `${date} open ${account}`),
    "",
  ];
  for (const [id, ps] of byTransaction) {
    const first = ps[0]!;
    out.push(`${first.effectiveOn} * ${quoted(first.description)}${first.invoiceNumber ? ` ${invoiceLink(first.invoiceNumber)}` : ""}`);
    out.push(`  ledger-id: "${id}"`, `  code: ${quoted(first.code)}`);
    for (const p of ps) out.push(`  ${p.beancountAccount}  ${amountText(p.amountMinor, p.currency)} ${p.currency}`);
    out.push("");
  }
  out.push(...balanceAssertions(postings), "");
  return out.join("\n");
}

function balanceAssertions(postings: Posting[]): string[] {
  if (postings.length === 0) return [];
  const last = postings.reduce((max, p) => (p.effectiveOn > max ? p.effectiveOn : max), "0000-00-00");
  const keys = new Map<string, { account: string; currency: string; first: string; dated: Posting[] }>();
  for (const p of postings) {
    const key = `${p.beancountAccount} ${p.currency}`;
    const entry = keys.get(key) ?? { account: p.beancountAccount, currency: p.currency, first: p.effectiveOn, dated: [] };
    if (p.effectiveOn < entry.first) entry.first = p.effectiveOn;
    entry.dated.push(p);
    keys.set(key, entry);
  }
  const lines: string[] = [];
  for (const { account, currency, first, dated } of [...keys.values()].sort((a, b) => a.account.localeCompare(b.account))) {
    for (const start of monthStartsBetween(first, last)) {
      const sum = dated.filter((p) => p.effectiveOn < start).reduce((s, p) => s + p.amountMinor, 0);
      lines.push(`${start} balance ${account}  ${amountText(sum, currency)} ${currency}`);
    }
  }
  return lines;
}

export interface ReadBeancount {
  transactions: Map<string, { date: string; postings: { account: string; amount: string; currency: string }[] }>;
  balances: { date: string; account: string; amount: string; currency: string }[];
}

/** Reads back what `renderBeancount` writes (not Beancount in general). */
export function readBeancount(text: string): ReadBeancount {
  const transactions: ReadBeancount["transactions"] = new Map();
  const balances: ReadBeancount["balances"] = [];
  let current: { date: string; postings: { account: string; amount: string; currency: string }[] } | null = null;
  for (const line of text.split("\n")) {
    const txn = /^(\d{4}-\d{2}-\d{2}) \* /.exec(line);
    const balance = /^(\d{4}-\d{2}-\d{2}) balance (\S+)\s+(-?\d+(?:\.\d+)?) ([A-Z]{3})$/.exec(line);
    const id = /^ {2}ledger-id: "(\d+)"$/.exec(line);
    const posting = /^ {2}([A-Z]\S*)\s+(-?\d+(?:\.\d+)?) ([A-Z]{3})$/.exec(line);
    if (txn) current = { date: txn[1]!, postings: [] };
    else if (balance) balances.push({ date: balance[1]!, account: balance[2]!, amount: balance[3]!, currency: balance[4]! });
    else if (id && current) transactions.set(id[1]!, current);
    else if (posting && current) current.postings.push({ account: posting[1]!, amount: posting[2]!, currency: posting[3]! });
    else if (line.trim() === "") current = null;
  }
  return { transactions, balances };
}
