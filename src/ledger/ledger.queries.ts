import { desc, inArray, lt } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { ledgerTransactions, ledgerTransfers } from "../db/schema.js";
import { moneyJson } from "../shared/money.js";
import { accountType } from "./accounts.js";

export interface AccountBalance {
  account: string;
  currency: string;
  debitsMinor: number;
  creditsMinor: number;
}

export function accountBalances(db: Db): AccountBalance[] {
  const rows = db.$client
    .prepare(
      `select account, currency, sum(debit) as debits, sum(credit) as credits from (
         select debit_account as account, currency, amount_minor as debit, 0 as credit from ledger_transfers
         union all
         select credit_account as account, currency, 0 as debit, amount_minor as credit from ledger_transfers
       ) group by account, currency order by account, currency`,
    )
    .all() as { account: string; currency: string; debits: number; credits: number }[];
  return rows.map((r) => ({ account: r.account, currency: r.currency, debitsMinor: r.debits, creditsMinor: r.credits }));
}

export function balancesView(db: Db) {
  const balances = accountBalances(db);
  const accounts = balances.map((a) => {
    const type = accountType(a.account);
    const balance = type === "asset" ? a.debitsMinor - a.creditsMinor : a.creditsMinor - a.debitsMinor;
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

export function listTransactions(db: Db, q: { before?: number | undefined; limit: number }) {
  const txs = db
    .select()
    .from(ledgerTransactions)
    .where(q.before ? lt(ledgerTransactions.id, q.before) : undefined)
    .orderBy(desc(ledgerTransactions.id))
    .limit(q.limit)
    .all();
  const transfers = txs.length
    ? db
        .select()
        .from(ledgerTransfers)
        .where(
          inArray(
            ledgerTransfers.transactionId,
            txs.map((t) => t.id),
          ),
        )
        .orderBy(ledgerTransfers.id)
        .all()
    : [];
  return {
    transactions: txs.map((t) => ({
      id: t.id,
      code: t.code,
      description: t.description,
      invoiceId: t.invoiceId,
      paymentId: t.paymentId,
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
