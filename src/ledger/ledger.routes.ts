import { z } from "zod";
import { moneyOutputSchema } from "../shared/schemas.js";
import type { AppDeps } from "../deps.js";
import type { ApiRouter } from "../http/route.js";
import { balancesView, listTransactions } from "./ledger.queries.js";

export function registerLedgerRoutes(api: ApiRouter, deps: AppDeps): void {
  api.route(
    {
      method: "get",
      path: "/ledger/balances",
      tag: "ledger",
      summary: "Debits, credits and balance of every account",
      auth: "treasurer",
      responses: {
        200: {
          description: "Balances",
          schema: z.object({
            accounts: z.array(
              z.object({
                account: z.string(),
                type: z.enum(["asset", "income"]),
                debits: moneyOutputSchema,
                credits: moneyOutputSchema,
                balance: moneyOutputSchema,
              }),
            ),
            totals: z.array(z.object({ debits: moneyOutputSchema, credits: moneyOutputSchema })),
          }),
        },
      },
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
      summary: "Ledger transactions with their transfers, newest first",
      auth: "treasurer",
      query: z.object({
        before: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      responses: {
        200: {
          description: "Transactions",
          schema: z.object({ transactions: z.array(z.object({ id: z.number().int(), code: z.string() }).loose()) }),
        },
      },
    },
    async ({ query, res }) => {
      res.json(await listTransactions(deps.db, query));
    },
  );
}
