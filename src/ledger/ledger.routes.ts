import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import { decodeCursor, pageOf, pageOfSorted, refuseOldPaging } from "../http/pagination.js";
import type { ApiRouter } from "../http/route.js";
import { balancesView, listTransactions } from "./ledger.queries.js";
import {
  ledgerBalancesCursor,
  ledgerBalancesQuery,
  ledgerBalancesResponse,
  ledgerTransactionsCursor,
  ledgerTransactionsQuery,
  ledgerTransactionsResponse,
} from "./ledger.schemas.js";

export function registerLedgerRoutes(api: ApiRouter, deps: AppDeps): void {
  const base = () => publicBaseUrl(deps.config);
  api.route(
    {
      method: "get",
      path: "/ledger/balances",
      tag: "ledger",
      summary: "Debits, credits and balance of every account, by account name (code point order); totals over all pages",
      auth: "treasurer",
      query: ledgerBalancesQuery,
      responses: { 200: { description: "Balances", schema: ledgerBalancesResponse } },
    },
    async ({ query, req, res }) => {
      const { accounts, totals } = await balancesView(deps.db);
      const { items, next } = pageOfSorted(req, res, base(), accounts, query, ledgerBalancesCursor, (a) => [a.account, a.debits.currency]);
      res.json({ accounts: items, totals, next });
    },
  );
  api.route(
    {
      method: "get",
      path: "/ledger/transactions",
      tag: "ledger",
      summary: "Ledger entries with their transfers, newest first",
      auth: "treasurer",
      query: ledgerTransactionsQuery,
      responses: { 200: { description: "Ledger entries", schema: ledgerTransactionsResponse } },
    },
    async ({ query, req, res }) => {
      refuseOldPaging(req, ["before"]);
      const before = decodeCursor(query.cursor, ledgerTransactionsCursor)?.[0];
      const { transactions } = await listTransactions(deps.db, { before, limit: query.limit + 1 });
      const { items, next } = pageOf(req, res, base(), transactions, query.limit, (t) => [t.id]);
      res.json({ transactions: items, next });
    },
  );
}
