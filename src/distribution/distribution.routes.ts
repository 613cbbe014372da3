import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { slugParam } from "../works/works.schemas.js";
import { z } from "zod";
import { cursorQuery, decodeCursor, nextSchema, pageOf, pageOfList } from "../http/pagination.js";
import { monthSchema } from "../shared/schemas.js";
import { makeCheckpoint } from "../books/make-checkpoint.js";
import { approveDistributionRun } from "./approve-run.js";
import { getRun, listRuns, runView } from "./distribution-runs.queries.js";
import {
  createPolicyBody,
  createRunBody,
  policiesResponse,
  policyResponse,
  runResponse,
  runsResponse,
  splitsBody,
  splitsResponse,
} from "./distribution.schemas.js";
import { createPolicy, listPolicies, policyView } from "./policies.js";
import { runDistribution } from "./run-distribution.js";
import { requireSplitAccess, setSplits, splitsOf } from "./splits.js";

const tag = "distribution";

export function registerDistributionRoutes(api: ApiRouter, deps: AppDeps): void {
  registerPolicyRoutes(api, deps);
  registerSplitRoutes(api, deps);
  registerRunRoutes(api, deps);
}

function registerPolicyRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  api.route(
    {
      method: "get",
      path: "/distribution-policies",
      tag,
      summary: "Every version of the distribution policy",
      auth: "treasurer",
      query: z.object(cursorQuery),
      responses: { 200: { description: "Versions, oldest first", schema: policiesResponse.extend({ next: nextSchema }) } },
    },
    async ({ query, req, res }) => {
      const { items, next } = pageOfList(req, res, publicBaseUrl(deps.config), await listPolicies(db), query, (p) => p.id);
      res.json({ distributionPolicies: items, next });
    },
  );
  api.route(
    {
      method: "post",
      path: "/distribution-policies",
      tag,
      summary: "Add a distribution policy version taking effect on a date (versions are never edited)",
      auth: "treasurer",
      body: createPolicyBody,
      responses: { 201: { description: "The version", schema: policyResponse } },
    },
    async ({ body, user, res }) => {
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/distribution-policies`)
        .json(policyView(await createPolicy(db, user, body, { clock }), false));
    },
  );
}

function registerSplitRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const view = (work: { slug: string; licensorOrganizationId: number }, receivers: { organizationId: number; weight: number }[]) => ({
    workSlug: work.slug,
    licensorOrganizationId: work.licensorOrganizationId,
    receivers,
    totalWeight: receivers.reduce((s, r) => s + r.weight, 0),
  });
  api.route(
    {
      method: "get",
      path: "/works/{slug}/splits",
      tag,
      summary: "The work's splits: receivers and weights (parts per million); the licensor keeps the rest",
      auth: "user",
      params: slugParam,
      responses: { 200: { description: "The splits", schema: splitsResponse } },
    },
    async ({ params, user, res }) => {
      const work = await requireSplitAccess(db, user, params.slug);
      res.json(view(work, await splitsOf(db, work.id)));
    },
  );
  api.route(
    {
      method: "put",
      path: "/works/{slug}/splits",
      tag,
      summary: "Set the work's splits (at most 200 receivers, weights summing to at most 1,000,000)",
      auth: "user",
      params: slugParam,
      body: splitsBody,
      responses: { 200: { description: "The splits", schema: splitsResponse } },
    },
    async ({ params, body, user, res }) => {
      const receivers = await setSplits(db, user, { slug: params.slug, receivers: body.receivers }, { clock });
      res.json(view(await requireSplitAccess(db, user, params.slug), receivers));
    },
  );
}

function registerRunRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  api.route(
    {
      method: "get",
      path: "/distribution-runs",
      tag,
      summary: "Every distribution run (cursor pages)",
      auth: "treasurer",
      query: z.object(cursorQuery),
      responses: { 200: { description: "Runs, oldest month first", schema: runsResponse.extend({ next: nextSchema }) } },
    },
    async ({ query, req, res }) => {
      const after = decodeCursor(query.cursor, z.tuple([monthSchema]))?.[0];
      const rows = await listRuns(db, { after, limit: query.limit + 1 });
      const { items, next } = pageOf(req, res, publicBaseUrl(deps.config), rows, query.limit, (r) => [r.month]);
      res.json({ distributionRuns: items, next });
    },
  );
  api.route(
    {
      method: "post",
      path: "/distribution-runs",
      tag,
      summary: "Draft the month's distribution run; one per month (an existing run is returned)",
      auth: "treasurer",
      body: createRunBody,
      responses: {
        201: { description: "The draft, created", schema: runResponse },
        200: { description: "The month's run, which existed", schema: runResponse },
      },
    },
    async ({ body, user, res }) => {
      const { runId, created } = await runDistribution(db, { month: body.month, actorUserId: user.id }, { clock });
      if (created) await makeCheckpoint(db, deps.books, deps);
      if (created) res.location(`${publicBaseUrl(deps.config)}/api/v1/distribution-runs/${runId}`);
      res.status(created ? 201 : 200).json(await runView(db, await getRun(db, runId)));
    },
  );
  api.route(
    {
      method: "get",
      path: "/distribution-runs/{id}",
      tag,
      summary: "A distribution run with every allocation, its basis, the carry and the exceptions",
      auth: "treasurer",
      params: idParam,
      responses: { 200: { description: "The run", schema: runResponse } },
    },
    async ({ params, res }) => {
      res.json(await runView(db, await getRun(db, params.id)));
    },
  );
  api.route(
    {
      method: "post",
      path: "/distribution-runs/{id}/approve",
      tag,
      summary: "Approve a draft: its allocations are booked as payables (approving twice books once)",
      auth: "treasurer",
      params: idParam,
      responses: { 200: { description: "The approved run", schema: runResponse } },
    },
    async ({ params, user, res }) => {
      await approveDistributionRun(db, user, params.id, { clock });
      // The approval's facts are committed: sign a checkpoint of them now (the month's report is final at it).
      await makeCheckpoint(db, deps.books, deps);
      res.json(await runView(db, await getRun(db, params.id)));
    },
  );
}
