import { publicBaseUrl } from "../config.js";
import { idempotencyKeyOf, markReplayed } from "../http/idempotency.js";
import type { AppDeps } from "../deps.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { moneyJson } from "../shared/money.js";
import { issueView, scheduleRowView, subscriptionsOf, subscriptionView } from "./bonds.queries.js";
import { clearBondIssue } from "./clear-bond-issue.js";
import { createBondIssue } from "./create-bond-issue.js";
import { issueSchedule } from "./issue-schedule.js";
import { subscribeBonds } from "./subscribe-bonds.js";
import {
  bondIssueResponse,
  clearingResponse,
  createBondIssueBody,
  scheduleResponse,
  subscriptionBody,
  subscriptionResponse,
} from "./bonds.schemas.js";

const tag = "venture commune";

export function registerBondRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  api.route(
    {
      method: "post",
      path: "/bond-issues",
      tag,
      summary: "Open a bond issue for an asset on offer (treasurer)",
      auth: "treasurer",
      body: createBondIssueBody,
      responses: { 201: { description: "The bond issue", schema: bondIssueResponse } },
    },
    async ({ body, user, res }) => {
      const issue = issueView(await createBondIssue(db, user, body, { clock }));
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/bond-issues/${issue.id}`)
        .json(issue);
    },
  );

  api.route(
    {
      method: "post",
      path: "/bond-issues/{id}/subscriptions",
      tag,
      summary: "Subscribe for bonds, or bid in an auction (members of the organization; Idempotency-Key required)",
      auth: "user",
      params: idParam,
      body: subscriptionBody,
      headers: { "Idempotency-Key": { required: true, description: "A client-chosen key; the same key and body replay the first result" } },
      responses: { 201: { description: "The subscription (also on an idempotent replay)", schema: subscriptionResponse } },
    },
    async ({ params, body, user, req, res }) => {
      const key = idempotencyKeyOf(req);
      const { subscription, replayed } = await subscribeBonds(db, user, { issueId: params.id, ...body, idempotencyKey: key }, { clock });
      markReplayed(res, replayed);
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/bond-issues/${params.id}`)
        .json(subscriptionView(subscription, body.amount.currency));
    },
  );

  registerClearingRoutes(api, deps);
}

function registerClearingRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  api.route(
    {
      method: "post",
      path: "/bond-issues/{id}/clear",
      tag,
      summary: "Clear a bond issue at its closing date: allotments and the clearing rate, or cancellation below the minimum (treasurer)",
      auth: "treasurer",
      params: idParam,
      responses: { 200: { description: "The cleared (or cancelled) issue with every allotment", schema: clearingResponse } },
    },
    async ({ params, user, res }) => {
      const { issue } = await clearBondIssue(db, user, params.id, { clock });
      const allotments = (await subscriptionsOf(db, issue.id)).map((s) => subscriptionView(s, issue.currency));
      res.json({ issue: issueView(issue), allotments });
    },
  );

  api.route(
    {
      method: "get",
      path: "/bond-issues/{id}/schedule",
      tag,
      summary: "The repayment schedule: a preview before clearing, the stored rows after (the same function)",
      auth: "user",
      params: idParam,
      responses: { 200: { description: "The schedule", schema: scheduleResponse } },
    },
    async ({ params, user, res }) => {
      const s = await issueSchedule(db, user, params.id);
      const currency = s.issue.currency;
      res.json({
        issueId: s.issue.id,
        basis: s.basis,
        principal: moneyJson(s.principalMinor, currency),
        rateBps: s.rateBps,
        rows: s.rows.map((r) => scheduleRowView(r, currency)),
      });
    },
  );
}
