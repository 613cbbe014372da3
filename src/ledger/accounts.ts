// The chart of accounts: every account a transfer may name is of one of these kinds. Assets are
// debit-normal; liabilities and income credit-normal. A feature that needs a new kind of account adds
// it here, with the movements that use it in `MOVEMENTS`, and `ledger check` holds the books to both.
import type { LedgerCode } from "./vocabulary.js";

export const CASH_ACCOUNT = "cash:fund";
export const FEE_INCOME_ACCOUNT = "income:fees";
export const receivableAccount = (organizationId: number): string => `receivable:${organizationId}`;
/** What the fund owes an organization back: the payments of its void invoices, until refunded. */
export const refundAccount = (organizationId: number): string => `refund:${organizationId}`;
/** What the commune owes an organization from approved distribution runs, until a payout is confirmed. */
export const payableAccount = (organizationId: number): string => `payable:${organizationId}`;
/** The cost side of a distribution, per bucket of the policy. */
export const distributionExpenseAccount = (bucketKey: string): string => `expense:distribution:${bucketKey}`;
/** What a distribution keeps with the commune (the reserve bucket, a fixed bucket naming no payee). */
export const RESERVE_ACCOUNT = "equity:reserve";
/** The venture commune (PRODUCT.md §14): what a bond issue owes its holders in principal. */
export const bondLiabilityAccount = (issueId: number): string => `liability:bonds:${issueId}`;
/** A productive asset the commune bought with a bond issue's proceeds, at cost. */
export const productiveAssetAccount = (assetId: number): string => `asset:productive:${assetId}`;
/** An asset's rent, invoiced to its lessee. */
export const rentIncomeAccount = (assetId: number): string => `income:rent:${assetId}`;
/** The bonds' interest, paid to holders out of rent. */
export const INTEREST_EXPENSE_ACCOUNT = "expense:interest";
/** A sold asset's proceeds beyond its book value. */
export const assetSaleGainAccount = (assetId: number): string => `income:asset_sale:${assetId}`;
/** A sold asset's book value beyond its proceeds. */
export const assetSaleLossAccount = (assetId: number): string => `expense:asset_sale:${assetId}`;
/** The principal a sale could not repay: the holders' loss, the bond liability it ends. */
export const bondsWrittenOffAccount = (issueId: number): string => `income:bonds_written_off:${issueId}`;

export const ACCOUNT_TYPES = ["asset", "income", "liability", "equity", "expense"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export interface AccountKind {
  /** `cash:fund`, or a prefix and `{organization}` for one account per organization, or `{key}` per policy bucket. */
  pattern: string;
  type: AccountType;
}

export const CHART: readonly AccountKind[] = [
  { pattern: CASH_ACCOUNT, type: "asset" },
  { pattern: FEE_INCOME_ACCOUNT, type: "income" },
  { pattern: "receivable:{organization}", type: "asset" },
  { pattern: "refund:{organization}", type: "liability" },
  { pattern: "payable:{organization}", type: "liability" },
  { pattern: RESERVE_ACCOUNT, type: "equity" },
  { pattern: "expense:distribution:{key}", type: "expense" },
  { pattern: "liability:bonds:{key}", type: "liability" },
  { pattern: "asset:productive:{key}", type: "asset" },
  { pattern: "income:rent:{key}", type: "income" },
  { pattern: INTEREST_EXPENSE_ACCOUNT, type: "expense" },
  { pattern: "income:asset_sale:{key}", type: "income" },
  { pattern: "expense:asset_sale:{key}", type: "expense" },
  { pattern: "income:bonds_written_off:{key}", type: "income" },
];

/** The kind of a named account and the organization it belongs to; undefined for a name off the chart. */
export function accountKind(account: string): { kind: AccountKind; organizationId: number | null } | undefined {
  for (const kind of CHART) {
    if (kind.pattern === account) return { kind, organizationId: null };
    const prefix = kind.pattern.endsWith("{organization}") ? kind.pattern.slice(0, -"{organization}".length) : undefined;
    if (prefix !== undefined && account.startsWith(prefix) && /^[1-9]\d{0,14}$/.test(account.slice(prefix.length)))
      return { kind, organizationId: Number(account.slice(prefix.length)) };
    const keyed = kind.pattern.endsWith("{key}") ? kind.pattern.slice(0, -"{key}".length) : undefined;
    if (keyed !== undefined && account.startsWith(keyed) && /^[a-z0-9_-]{1,64}$/i.test(account.slice(keyed.length)))
      return { kind, organizationId: null };
  }
  return undefined;
}

export function accountType(account: string): AccountType {
  return accountKind(account)?.kind.type ?? "asset";
}

/** Debit-normal accounts show debits − credits as their balance; the others credits − debits. */
export const isDebitNormal = (type: AccountType): boolean => type === "asset" || type === "expense";

/** The ledger codes that record an invoice's life; distribution entries are held to their own invariants. */
export const INVOICE_LEDGER_CODES = [
  "invoice_issued",
  "payment_received",
  "invoice_voided",
  "refund_paid",
] as const satisfies readonly LedgerCode[];

/**
 * The movements each invoice ledger code may make: debit and credit account patterns, `{organization}` being
 * the organization of the invoice the ledger entry belongs to. Every transfer matches one of its code's.
 */
export const MOVEMENTS: Readonly<Record<(typeof INVOICE_LEDGER_CODES)[number], readonly { debit: string; credit: string }[]>> = {
  invoice_issued: [
    { debit: "receivable:{organization}", credit: FEE_INCOME_ACCOUNT },
    // A rent line (PRODUCT.md §14): `{key}` is the line's asset.
    { debit: "receivable:{organization}", credit: "income:rent:{key}" },
  ],
  payment_received: [{ debit: CASH_ACCOUNT, credit: "receivable:{organization}" }],
  invoice_voided: [
    // The issue reversed, then what was paid moved from the receivable to the refund due.
    { debit: FEE_INCOME_ACCOUNT, credit: "receivable:{organization}" },
    { debit: "income:rent:{key}", credit: "receivable:{organization}" },
    { debit: "receivable:{organization}", credit: "refund:{organization}" },
  ],
  refund_paid: [{ debit: "refund:{organization}", credit: CASH_ACCOUNT }],
};
