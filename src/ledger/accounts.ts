// Account names. Assets are debit-normal, income credit-normal.
export const CASH_ACCOUNT = "cash:fund";
export const FEE_INCOME_ACCOUNT = "income:fees";
export const receivableAccount = (organizationId: number): string => `receivable:${organizationId}`;

export const ACCOUNT_TYPES = ["asset", "income"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export function accountType(account: string): AccountType {
  return account.startsWith("income:") ? "income" : "asset";
}
