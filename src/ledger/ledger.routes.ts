import type { AppDeps } from "../deps.js";
import type { ApiRouter } from "../http/route.js";
import { balancesView, listTransactions } from "./ledger.queries.js";
import { ledgerBalancesResponse, ledgerTransactionsQuery, ledgerTransactionsResponse } from "./ledger.schemas.js";

export function registerLedgerRoutes(api: ApiRouter, deps: AppDeps): void {
  api.route(
    {
      method: "get",
      path: "/ledger/balances",
      tag: "ledger",
      summary: "Debits, credits and balance of every account",
      auth: "treasurer",
      responses: { 200: { description: "Balances", schema: ledgerBalancesResponse } },
    },
    async ({ res }) => {
      res.json(await balancesView(deps.db));
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
    async ({ query, res }) => {
      res.json(await listTransactions(deps.db, query));
    },
  );
}
