// The chart of accounts: every account a transfer may name is of one of these kinds. Assets are
// debit-normal; liabilities and income credit-normal. A feature that needs a new kind of account adds
// it here, with the movements that use it in `MOVEMENTS`, and `ledger check` holds the books to both.
import type { LedgerCode } from "./vocabulary.js";

export const CASH_ACCOUNT = "cash:fund";
export const FEE_INCOME_ACCOUNT = "income:fees";
export const receivableAccount = (organizationId: number): string => `receivable:${organizationId}`;
/** What the fund owes an organization back: the payments of its void invoices, until refunded. */
export const refundAccount = (organizationId: number): string => `refund:${organizationId}`;

export const ACCOUNT_TYPES = ["asset", "liability", "income"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export interface AccountKind {
  /** `cash:fund`, or a prefix and `{organization}` for one account per organization. */
  pattern: string;
  type: AccountType;
}

export const CHART: readonly AccountKind[] = [
  { pattern: CASH_ACCOUNT, type: "asset" },
  { pattern: FEE_INCOME_ACCOUNT, type: "income" },
  { pattern: "receivable:{organization}", type: "asset" },
  { pattern: "refund:{organization}", type: "liability" },
];

/** The kind of a named account and the organization it belongs to; undefined for a name off the chart. */
export function accountKind(account: string): { kind: AccountKind; organizationId: number | null } | undefined {
  for (const kind of CHART) {
    if (kind.pattern === account) return { kind, organizationId: null };
    const prefix = kind.pattern.endsWith("{organization}") ? kind.pattern.slice(0, -"{organization}".length) : undefined;
    if (prefix !== undefined && account.startsWith(prefix) && /^[1-9]\d{0,14}$/.test(account.slice(prefix.length)))
      return { kind, organizationId: Number(account.slice(prefix.length)) };
  }
  return undefined;
}

export function accountType(account: string): AccountType {
  return accountKind(account)?.kind.type ?? "asset";
}

/**
 * The movements each ledger code may make: debit and credit account patterns, `{organization}` being
 * the organization of the invoice the ledger entry belongs to. Every transfer matches one of its code's.
 */
export const MOVEMENTS: Readonly<Record<LedgerCode, readonly { debit: string; credit: string }[]>> = {
  invoice_issued: [{ debit: "receivable:{organization}", credit: FEE_INCOME_ACCOUNT }],
  payment_received: [{ debit: CASH_ACCOUNT, credit: "receivable:{organization}" }],
  invoice_voided: [
    // The issue reversed, then what was paid moved from the receivable to the refund due.
    { debit: FEE_INCOME_ACCOUNT, credit: "receivable:{organization}" },
    { debit: "receivable:{organization}", credit: "refund:{organization}" },
  ],
  refund_paid: [{ debit: "refund:{organization}", credit: CASH_ACCOUNT }],
};
