import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { today } from "../shared/clock.js";
import { moneyJson } from "../shared/money.js";
import { requireOrganizationAccess } from "../organizations/organizations.queries.js";
import { policyOn } from "../distribution/policies.js";
import { incomeView } from "./income.queries.js";
import { notifyPayoutsSent } from "../mail/notifications.js";
import { notifyDepsOf } from "../web/notify.js";
import { readPayee, payeeView, setPayee } from "./payee.js";
import {
  batchTransferFile,
  confirmPayoutBatch,
  createPayoutBatch,
  getBatch,
  listBatches,
  returnPayout,
  type Payout,
  type PayoutBatch,
} from "./payout-batches.js";
import {
  batchResponse,
  batchesResponse,
  createBatchBody,
  incomeResponse,
  payeeBody,
  payeeResponse,
  payoutResponse,
  returnPayoutBody,
  statementParams,
  statementResponse,
  statementsQuery,
  statementsResponse,
} from "./payouts.schemas.js";
import { listStatements, statementSummary, statementView } from "./statements.js";
import { decodeCursor, pageOf } from "../http/pagination.js";
import { monthSchema } from "../shared/schemas.js";
import { z } from "zod";

const tag = "payouts";

export function batchView(batch: PayoutBatch, payouts: Payout[]) {
  return {
    id: batch.id,
    messageId: batch.messageId,
    executionDate: batch.executionDate,
    status: batch.status,
    payouts: payouts.map((p) => ({
      id: p.id,
      organizationId: p.organizationId,
      amount: moneyJson(p.amountMinor, p.currency),
      endToEndId: p.endToEndId,
      status: p.status,
    })),
    total: moneyJson(batch.totalMinor, batch.currency),
  };
}

export function registerPayoutRoutes(api: ApiRouter, deps: AppDeps): void {
  registerPayeeRoutes(api, deps);
  registerBatchRoutes(api, deps);
  registerBatchFileRoutes(api, deps);
  registerBankRoutes(api, deps);
  registerStatementRoutes(api, deps);
}

function registerPayeeRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const currency = async () => (await policyOn(db, today(clock))).currency;
  api.route(
    {
      method: "get",
      path: "/organizations/{id}/payee",
      tag,
      summary: "Where the organization is paid (owners and treasurers only)",
      auth: "user",
      params: idParam,
      responses: { 200: { description: "The payee profile", schema: payeeResponse } },
    },
    async ({ params, user, res }) => {
      res.json(payeeView(await readPayee(db, user, params.id), await currency()));
    },
  );
  api.route(
    {
      method: "put",
      path: "/organizations/{id}/payee",
      tag,
      summary: "Set where the organization is paid: legal name, country, IBAN (mod-97 checked), minimum payout",
      auth: "user",
      params: idParam,
      body: payeeBody,
      responses: { 200: { description: "The payee profile", schema: payeeResponse } },
    },
    async ({ params, body, user, res }) => {
      res.json(payeeView(await setPayee(db, user, { organizationId: params.id, ...body }, { clock }), await currency()));
    },
  );
  api.route(
    {
      method: "get",
      path: "/organizations/{id}/income",
      tag,
      summary: "Per month: attributed, collected, allocated, paid out; and why what is owed is not paid yet",
      auth: "user",
      params: idParam,
      responses: { 200: { description: "The income", schema: incomeResponse } },
    },
    async ({ params, user, res }) => {
      await requireOrganizationAccess(db, user, params.id);
      res.json(await incomeView(db, params.id, today(clock)));
    },
  );
}

function registerBatchRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  api.route(
    {
      method: "post",
      path: "/payout-batches",
      tag,
      summary: "Pay every due payable with complete payee details in one SEPA batch",
      auth: "treasurer",
      body: createBatchBody,
      responses: { 201: { description: "The batch", schema: batchResponse } },
    },
    async ({ body, user, res }) => {
      const id = await createPayoutBatch(db, user, body, { clock });
      const { batch, payouts } = await getBatch(db, id);
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/payout-batches/${id}`)
        .json(batchView(batch, payouts));
    },
  );
  api.route(
    {
      method: "get",
      path: "/payout-batches",
      tag,
      summary: "Payout batches, newest first (cursor pages)",
      auth: "treasurer",
      query: statementsQuery,
      responses: { 200: { description: "Batches", schema: batchesResponse } },
    },
    async ({ query, req, res }) => {
      const before = decodeCursor(query.cursor, z.tuple([z.number().int().positive()]))?.[0];
      const rows = await listBatches(db, query.limit + 1, before);
      const { items, next } = pageOf(req, res, publicBaseUrl(deps.config), rows, query.limit, (b) => [b.id]);
      const all = await Promise.all(items.map(async (b) => batchView(b, (await getBatch(db, b.id)).payouts)));
      res.json({ payoutBatches: all, next });
    },
  );
  api.route(
    {
      method: "get",
      path: "/payout-batches/{id}",
      tag,
      summary: "A payout batch",
      auth: "treasurer",
      params: idParam,
      responses: { 200: { description: "The batch", schema: batchResponse } },
    },
    async ({ params, res }) => {
      const { batch, payouts } = await getBatch(db, params.id);
      res.json(batchView(batch, payouts));
    },
  );
}

function registerBatchFileRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, config } = deps;
  api.route(
    {
      method: "get",
      path: "/payout-batches/{id}/pain.001.xml",
      tag,
      summary: "The batch as an ISO 20022 pain.001.001.03 SEPA credit transfer file",
      auth: "treasurer",
      params: idParam,
      responses: { 200: { description: "The file", contentType: "application/xml" } },
    },
    async ({ params, res }) => {
      const { fileName, xml } = await batchTransferFile(db, params.id, { name: config.SELLER_NAME, iban: config.SELLER_IBAN });
      res.type("application/xml").set("Content-Disposition", `attachment; filename="${fileName}"`).send(xml);
    },
  );
}

function registerBankRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  api.route(
    {
      method: "post",
      path: "/payout-batches/{id}/confirm",
      tag,
      summary: "The bank confirmed the batch: its pending payouts settle their payables",
      auth: "treasurer",
      params: idParam,
      responses: { 200: { description: "The batch", schema: batchResponse } },
    },
    async ({ params, user, res }) => {
      const confirmed = await confirmPayoutBatch(db, user, params.id, { clock });
      await notifyPayoutsSent(notifyDepsOf(deps), confirmed);
      const { batch, payouts } = await getBatch(db, params.id);
      res.json(batchView(batch, payouts));
    },
  );
  api.route(
    {
      method: "post",
      path: "/payouts/{id}/return",
      tag,
      summary: "The bank returned a payout: its payable is restored",
      auth: "treasurer",
      params: idParam,
      body: returnPayoutBody,
      responses: { 200: { description: "The payout", schema: payoutResponse } },
    },
    async ({ params, body, user, res }) => {
      const p = await returnPayout(db, user, params.id, body, { clock });
      res.json({
        id: p.id,
        batchId: p.batchId,
        organizationId: p.organizationId,
        amount: moneyJson(p.amountMinor, p.currency),
        endToEndId: p.endToEndId,
        status: p.status,
        returnReason: p.returnReason,
      });
    },
  );
}

function registerStatementRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db } = deps;
  api.route(
    {
      method: "get",
      path: "/organizations/{id}/statements",
      tag,
      summary: "The organization's statements, newest month first (one per month a run allocated to it)",
      auth: "user",
      params: idParam,
      query: statementsQuery,
      responses: { 200: { description: "Statements", schema: statementsResponse } },
    },
    async ({ params, query, user, req, res }) => {
      await requireOrganizationAccess(db, user, params.id);
      const before = decodeCursor(query.cursor, z.tuple([monthSchema]))?.[0];
      const rows = await listStatements(db, params.id, { before, limit: query.limit + 1 });
      const { items, next } = pageOf(req, res, publicBaseUrl(deps.config), rows, query.limit, (s) => [s.month]);
      res.json({ statements: items.map(statementSummary), next });
    },
  );
  api.route(
    {
      method: "get",
      path: "/organizations/{id}/statements/{month}",
      tag,
      summary: "A month's statement: opening, allocations, payouts since the previous statement, closing payable",
      auth: "user",
      params: statementParams,
      responses: { 200: { description: "The statement", schema: statementResponse } },
    },
    async ({ params, user, res }) => {
      await requireOrganizationAccess(db, user, params.id);
      res.json(await statementView(db, params.id, params.month));
    },
  );
}
