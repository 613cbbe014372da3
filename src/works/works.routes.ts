import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import { cursorQuery, decodeCursor, nextSchema, pageOf, pageOfList } from "../http/pagination.js";
import { AppError } from "../shared/errors.js";
import type { Actor } from "../shared/actor.js";
import type { ApiRouter } from "../http/route.js";
import { LICENSE_MEDIA_TYPES } from "../licenses/render-license.js";
import { renderBadge } from "./badge.js";
import { discoverForks, listForks, unattributedForkOwners } from "./discover-forks.js";
import { openLicensePullRequest } from "./open-license-pull-request.js";
import { registerWork } from "./register-work.js";
import { claimHistory, decideDispute, decideWorkVerification, openDispute, type Dispute } from "./work-claims.js";
import { getWorkBySlug, isMaintainer, listWorks, viewWork, workLicense } from "./works.queries.js";
import {
  claimHistoryResponse,
  disputeBody,
  disputeDecisionBody,
  disputeParams,
  disputeResponse,
  forksResponse,
  workVerificationBody,
  licenseQuery,
  listWorksQuery,
  pullRequestBody,
  pullRequestResponse,
  registeredWorkResponse,
  registerWorkBody,
  slugParam,
  workResponse,
  worksCursor,
} from "./works.schemas.js";

export function registerWorkRoutes(api: ApiRouter, deps: AppDeps): void {
  registerRegistryRoutes(api, deps);
  registerDocumentRoutes(api, deps);
  registerForkRoutes(api, deps);
  registerClaimRoutes(api, deps);
  registerDisputeRoutes(api, deps);
}

function registerRegistryRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock, github, config } = deps;
  const tag = "works";
  const base = () => publicBaseUrl(config);

  api.route(
    {
      method: "post",
      path: "/works",
      tag,
      summary: "Register a work by repository URL and/or package URLs",
      auth: "user",
      body: registerWorkBody,
      responses: { 201: { description: "The work, its license check and suggested packages", schema: registeredWorkResponse } },
    },
    async ({ body, user, res }) => {
      const result = await registerWork(db, body, user, { clock, github, githubApiUrl: config.GITHUB_API_URL, npm: deps.npm });
      res
        .status(201)
        .location(`${base()}/api/v1/works/${result.work.slug}`)
        .json({
          ...(await viewWork(db, result.work, base())),
          licenseCheck: result.licenseCheck,
          suggestedPackages: result.suggestedPackages,
        });
    },
  );

  api.route(
    {
      method: "get",
      path: "/works",
      tag,
      summary: "The public registry of works; ?q= searches",
      auth: "public",
      cache: "public",
      query: listWorksQuery,
      responses: {
        200: {
          description: "A page of works",
          schema: z.object({ works: z.array(workResponse), next: nextSchema }),
        },
      },
    },
    async ({ query, req, res }) => {
      const after = decodeCursor(query.cursor, worksCursor);
      const page = await listWorks(db, { q: query.q, limit: query.limit + 1, after: after && { title: after[0], id: after[1] } }, base());
      const rows = page.works.map((work, i) => ({ work, key: page.keys[i]! }));
      const { items, next } = pageOf(req, res, base(), rows, query.limit, (r) => [r.key.title, r.key.id]);
      res.json({ works: items.map((r) => r.work), next });
    },
  );

  api.route(
    {
      method: "get",
      path: "/works/{slug}",
      tag,
      summary: "A work",
      auth: "public",
      cache: "public",
      params: slugParam,
      responses: { 200: { description: "The work", schema: workResponse } },
    },
    async ({ params, res }) => {
      res.json(await viewWork(db, await getWorkBySlug(db, params.slug), base()));
    },
  );
}

function registerDocumentRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock, github, config } = deps;
  const tag = "works";
  const base = () => publicBaseUrl(config);

  api.route(
    {
      method: "get",
      path: "/works/{slug}/license",
      tag,
      summary: "The work's LICENSE text",
      auth: "public",
      cache: "public",
      params: slugParam,
      query: licenseQuery,
      responses: { 200: { description: "The license", contentType: "text/plain" } },
    },
    async ({ params, query, res }) => {
      const work = await getWorkBySlug(db, params.slug);
      const text = await workLicense(db, work, `${base()}/works/${work.slug}`, query.format);
      res.set("Cache-Control", "public, max-age=300").type(LICENSE_MEDIA_TYPES[query.format]).send(text);
    },
  );

  api.route(
    {
      method: "get",
      path: "/works/{slug}/badge.svg",
      tag,
      summary: "SVG badge: PPL and the work's state",
      auth: "public",
      cache: "public",
      params: slugParam,
      responses: { 200: { description: "The badge", contentType: "image/svg+xml" } },
    },
    async ({ params, res }) => {
      const svg = renderBadge(await getWorkBySlug(db, params.slug));
      res.set("Cache-Control", "public, max-age=300, stale-while-revalidate=86400").type("image/svg+xml").send(svg);
    },
  );

  api.route(
    {
      method: "post",
      path: "/works/{slug}/license-pull-request",
      tag,
      summary: "Open a pull request adding the LICENSE (a second call returns the open one)",
      auth: "user",
      params: slugParam,
      body: pullRequestBody,
      responses: {
        201: { description: "Opened", schema: pullRequestResponse },
        200: { description: "Already open", schema: pullRequestResponse },
      },
    },
    async ({ params, body, user, res }) => {
      const work = await getWorkBySlug(db, params.slug);
      const result = await openLicensePullRequest(
        db,
        work,
        { githubToken: body.githubToken, actor: user, workUrl: `${base()}/works/${work.slug}` },
        { clock, github },
      );
      if (result.created) res.location(result.pullRequest.htmlUrl);
      res.status(result.created ? 201 : 200).json(result);
    },
  );
}

function registerForkRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock, github } = deps;
  const tag = "works";

  const base = () => publicBaseUrl(deps.config);
  const requireMaintainerOrTreasurer = async (slug: string, user: Actor) => {
    const work = await getWorkBySlug(db, slug);
    if (!user.isTreasurer && !(await isMaintainer(db, work.id, user.id)))
      throw new AppError("forbidden", "Only the work's maintainers and treasurers see its forks.");
    return work;
  };

  api.route(
    {
      method: "post",
      path: "/works/{slug}/forks/discover",
      tag,
      summary: "List the repository's forks on GitHub (bounded) and attribute their owners",
      auth: "user",
      params: slugParam,
      responses: { 200: { description: "Forks", schema: forksResponse } },
    },
    async ({ params, user, res }) => {
      res.json(await discoverForks(db, await requireMaintainerOrTreasurer(params.slug, user), { clock, github }));
    },
  );

  api.route(
    {
      method: "get",
      path: "/works/{slug}/forks",
      tag,
      summary: "Forks seen so far, with their organizations",
      auth: "user",
      params: slugParam,
      query: z.object(cursorQuery),
      responses: { 200: { description: "Forks, by name", schema: forksResponse.extend({ next: nextSchema }) } },
    },
    async ({ params, query, user, req, res }) => {
      const { forks } = await listForks(db, (await requireMaintainerOrTreasurer(params.slug, user)).id);
      const { items, next } = pageOfList(req, res, base(), forks, query, (f) => f.fullName);
      res.json({ forks: items, next });
    },
  );

  api.route(
    {
      method: "get",
      path: "/forks/unattributed",
      tag,
      summary: "Fork owners no organization has claimed",
      auth: "treasurer",
      query: z.object(cursorQuery),
      responses: {
        200: {
          description: "Owners, by login",
          schema: z.object({
            owners: z.array(z.object({ login: z.string(), forks: z.array(z.object({ fullName: z.string(), workSlug: z.string() })) })),
            next: nextSchema,
          }),
        },
      },
    },
    async ({ query, req, res }) => {
      const { owners } = await unattributedForkOwners(db);
      const { items, next } = pageOfList(req, res, base(), owners, query, (o) => o.login);
      res.json({ owners: items, next });
    },
  );
}

function disputeView(d: Dispute, workSlug: string) {
  return {
    id: d.id,
    workSlug,
    status: d.status,
    reason: d.reason,
    openedBy: d.openedBy,
    openedAt: d.createdAt,
    decision:
      d.decisionReason !== null && d.decidedBy !== null && d.decidedAt !== null
        ? { reason: d.decisionReason, decidedBy: d.decidedBy, decidedAt: d.decidedAt }
        : null,
  };
}

/** A work's claim verified or rejected by hand. */
function registerClaimRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const tag = "works";

  api.route(
    {
      method: "post",
      path: "/works/{slug}/verification",
      tag,
      summary: "Verify or reject a work's claim by hand, with a reason (kept in its claim history)",
      auth: "treasurer",
      params: slugParam,
      body: workVerificationBody,
      responses: { 200: { description: "The work", schema: workResponse } },
    },
    async ({ params, body, user, res }) => {
      const work = await decideWorkVerification(db, user, { slug: params.slug, ...body }, { clock });
      res.json(await viewWork(db, work, publicBaseUrl(deps.config)));
    },
  );
}

/** Disputes of a work's claim: opened by anyone, decided by a treasurer; the history both sides see. */
function registerDisputeRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const tag = "works";

  api.route(
    {
      method: "post",
      path: "/works/{slug}/disputes",
      tag,
      summary: "Contest a work's claim (e.g. its packages are yours); a treasurer decides",
      auth: "user",
      params: slugParam,
      body: disputeBody,
      responses: { 201: { description: "The dispute", schema: disputeResponse } },
    },
    async ({ params, body, user, res }) => {
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/works/${params.slug}/disputes`)
        .json(disputeView(await openDispute(db, user, { slug: params.slug, reason: body.reason }, { clock }), params.slug));
    },
  );

  api.route(
    {
      method: "get",
      path: "/works/{slug}/disputes",
      tag,
      summary: "The work's claim history and disputes: for its maintainers, the users who disputed it and treasurers",
      auth: "user",
      params: slugParam,
      responses: { 200: { description: "The claim history", schema: claimHistoryResponse } },
    },
    async ({ params, user, res }) => {
      const { work, events, disputes } = await claimHistory(db, user, params.slug);
      res.json({
        slug: work.slug,
        verification: work.verification,
        history: events.map((e) => ({
          event: e.event,
          verification: e.verification,
          reason: e.reason,
          disputeId: e.disputeId,
          actorUserId: e.actorUserId,
          at: e.createdAt,
        })),
        disputes: disputes.map((d) => disputeView(d, work.slug)),
      });
    },
  );

  api.route(
    {
      method: "post",
      path: "/works/{slug}/disputes/{id}/decision",
      tag,
      summary: "Decide a dispute: upheld (the work becomes unverified, its package claims are released) or dismissed",
      auth: "treasurer",
      params: disputeParams,
      body: disputeDecisionBody,
      responses: { 200: { description: "The decided dispute", schema: disputeResponse } },
    },
    async ({ params, body, user, res }) => {
      const decided = await decideDispute(db, user, { slug: params.slug, disputeId: params.id, ...body }, { clock });
      res.json(disputeView(decided, params.slug));
    },
  );
}
