import { desc, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { ledgerTransactions, ledgerTransfers } from "../db/schema.js";
import { moneyJson } from "../shared/money.js";
import { accountType, isDebitNormal } from "./accounts.js";

export interface AccountBalance {
  account: string;
  currency: string;
  debitsMinor: number;
  creditsMinor: number;
}

export async function accountBalances(db: Db): Promise<AccountBalance[]> {
  const rows = await queryRows<{ account: string; currency: string; debits: unknown; credits: unknown }>(
    db,
    sql`select account, currency, sum(debit) as debits, sum(credit) as credits from (
          select debit_account as account, currency, amount_minor as debit, 0 as credit from ledger_transfers
          union all
          select credit_account as account, currency, 0 as debit, amount_minor as credit from ledger_transfers
        ) as sides group by account, currency`,
  );
  // Sorted here, by code point: the engines' collations may order text differently.
  const key = (r: { account: string; currency: string }) => `${r.account}\u0000${r.currency}`;
  return rows
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .map((r) => ({ account: r.account, currency: r.currency, debitsMinor: toInt(r.debits), creditsMinor: toInt(r.credits) }));
}

export async function balancesView(db: Db) {
  const balances = await accountBalances(db);
  const accounts = balances.map((a) => {
    const type = accountType(a.account);
    const balance = isDebitNormal(type) ? a.debitsMinor - a.creditsMinor : a.creditsMinor - a.debitsMinor;
    return {
      account: a.account,
      type,
      debits: moneyJson(a.debitsMinor, a.currency),
      credits: moneyJson(a.creditsMinor, a.currency),
      balance: moneyJson(balance, a.currency),
    };
  });
  const totals = new Map<string, { debits: number; credits: number }>();
  for (const a of balances) {
    const t = totals.get(a.currency) ?? { debits: 0, credits: 0 };
    t.debits += a.debitsMinor;
    t.credits += a.creditsMinor;
    totals.set(a.currency, t);
  }
  return {
    accounts,
    totals: [...totals].map(([currency, t]) => ({ debits: moneyJson(t.debits, currency), credits: moneyJson(t.credits, currency) })),
  };
}

export async function listTransactions(db: Db, q: { before?: number | undefined; limit: number }) {
  const txs = await db
    .select()
    .from(ledgerTransactions)
    .where(q.before ? lt(ledgerTransactions.id, q.before) : undefined)
    .orderBy(desc(ledgerTransactions.id))
    .limit(q.limit);
  const transfers = txs.length
    ? await db
        .select()
        .from(ledgerTransfers)
        .where(
          inArray(
            ledgerTransfers.transactionId,
            txs.map((t) => t.id),
          ),
        )
        .orderBy(ledgerTransfers.id)
    : [];
  return {
    transactions: txs.map((t) => ({
      id: t.id,
      code: t.code,
      description: t.description,
      invoiceId: t.invoiceId,
      paymentId: t.paymentId,
      refundId: t.refundId,
      effectiveOn: t.effectiveOn,
      createdAt: t.createdAt,
      transfers: transfers
        .filter((x) => x.transactionId === t.id)
        .map((x) => ({
          id: x.id,
          debitAccount: x.debitAccount,
          creditAccount: x.creditAccount,
          amount: moneyJson(x.amountMinor, x.currency),
          reversesTransferId: x.reversesTransferId,
        })),
    })),
  };
}
