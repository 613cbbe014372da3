// Account names. Assets and expenses are debit-normal; income, liabilities and equity credit-normal.
export const CASH_ACCOUNT = "cash:fund";
export const FEE_INCOME_ACCOUNT = "income:fees";
export const receivableAccount = (organizationId: number): string => `receivable:${organizationId}`;
/** What the commune owes an organization from approved distribution runs, until a payout is confirmed. */
export const payableAccount = (organizationId: number): string => `payable:${organizationId}`;
/** The cost side of a distribution, per bucket of the policy. */
export const distributionExpenseAccount = (bucketKey: string): string => `expense:distribution:${bucketKey}`;
/** What a distribution keeps with the commune (the reserve bucket, a fixed bucket naming no payee). */
export const RESERVE_ACCOUNT = "equity:reserve";

export const ACCOUNT_TYPES = ["asset", "income", "liability", "equity", "expense"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

const PREFIX_TYPES: [string, AccountType][] = [
  ["income:", "income"],
  ["payable:", "liability"],
  ["equity:", "equity"],
  ["expense:", "expense"],
];

export function accountType(account: string): AccountType {
  return PREFIX_TYPES.find(([prefix]) => account.startsWith(prefix))?.[1] ?? "asset";
}

/** Debit-normal accounts show debits − credits as their balance; the others credits − debits. */
export const isDebitNormal = (type: AccountType): boolean => type === "asset" || type === "expense";
