import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import { cursorQuery, decodeCursor, nextSchema, pageOf, pageOfSorted } from "../http/pagination.js";
import type { Db } from "../db/client.js";
import { today } from "../shared/clock.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { createInvitation } from "./invitations.js";
import { notifyInvitation } from "../mail/notifications.js";
import { notifyDepsOf } from "../web/notify.js";
import { settleHeldInvoices } from "../billing/settle-held-invoices.js";
import { invoicingDeps } from "../billing/billing.routes.js";
import { createOrganization } from "./create-organization.js";
import { decideVerification, type VerificationDecision } from "./decide-verification.js";
import { recordSizeFacts } from "./record-size-facts.js";
import { reviewSizeFacts, sizeFactsAwaitingReview } from "./review-size-facts.js";
import { setGithubLogins } from "./set-github-logins.js";
import { submitCooperativeEvidence } from "./submit-cooperative-evidence.js";
import { listOrganizationsFor, organizationView, requireOrganizationAccess, sizeFactView } from "./organizations.queries.js";
import {
  inviteMemberBody,
  invitationResponse,
  cooperativeEvidenceBody,
  createOrganizationBody,
  githubLoginsBody,
  organizationResponse,
  sizeFactReviewBody,
  sizeFactsBody,
  sizeFactsResponse,
  sizeFactsReviewQueueResponse,
  verificationBody,
} from "./organizations.schemas.js";

const tag = "organizations";

export function registerOrganizationRoutes(api: ApiRouter, deps: AppDeps): void {
  registerOrganizationCoreRoutes(api, deps);
  registerMembershipRoutes(api, deps);
  registerSizeFactsRoutes(api, deps);
  registerCooperativeRoutes(api, deps);
}

function registerOrganizationCoreRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  api.route(
    {
      method: "post",
      path: "/organizations",
      tag,
      summary: "Create an organization; the caller becomes its owner",
      auth: "user",
      body: createOrganizationBody,
      responses: { 201: { description: "The organization", schema: organizationResponse } },
    },
    async ({ body, user, res }) => {
      const org = await createOrganization(db, { ...body, ownerUserId: user.id }, { clock });
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/organizations/${org.id}`)
        .json(await organizationView(db, org, today(clock)));
    },
  );

  api.route(
    {
      method: "get",
      path: "/organizations",
      tag,
      summary: "Organizations the caller belongs to (all, for treasurers)",
      auth: "user",
      query: z.object(cursorQuery),
      responses: {
        200: { description: "Organizations", schema: z.object({ organizations: z.array(organizationResponse), next: nextSchema }) },
      },
    },
    async ({ query, user, req, res }) => {
      const afterId = decodeCursor(query.cursor, z.tuple([z.number().int()]))?.[0];
      const rows = await listOrganizationsFor(db, user, { afterId, limit: query.limit + 1 });
      const { items, next } = pageOf(req, res, publicBaseUrl(deps.config), rows, query.limit, (o) => [o.id]);
      const views = [];
      for (const org of items) views.push(await organizationView(db, org, today(clock)));
      res.json({ organizations: views, next });
    },
  );

  api.route(
    {
      method: "get",
      path: "/organizations/{id}",
      tag,
      summary: "An organization with its classification and current size facts",
      auth: "user",
      params: idParam,
      responses: { 200: { description: "The organization", schema: organizationResponse } },
    },
    async ({ params, user, res }) => {
      res.json(await organizationView(db, await requireOrganizationAccess(db, user, params.id), today(clock)));
    },
  );
}

function registerMembershipRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  api.route(
    {
      method: "post",
      path: "/organizations/{id}/members",
      tag,
      summary: "Invite a member by email: the invitation's link is mailed to them and they accept it signed in",
      auth: "user",
      params: idParam,
      body: inviteMemberBody,
      responses: { 201: { description: "The invitation (its link goes only to the invitee's mail)", schema: invitationResponse } },
    },
    async ({ params, body, user, res }) => {
      const org = await requireOrganizationAccess(db, user, params.id, "owner");
      const { invitation, secret } = await createInvitation(db, { organizationId: org.id, ...body, actorUserId: user.id }, { clock });
      await notifyInvitation(notifyDepsOf(deps), {
        email: invitation.email,
        secret,
        role: invitation.role,
        organizationName: org.name,
        inviterName: user.name,
        expiresAt: invitation.expiresAt,
      });
      const { id, organizationId, email, role, expiresAt } = invitation;
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/organizations/${org.id}`)
        .json({ id, organizationId, email, role, expiresAt });
    },
  );

  api.route(
    {
      method: "put",
      path: "/organizations/{id}/github-logins",
      tag,
      summary: "Replace the GitHub logins the organization owns",
      auth: "user",
      params: idParam,
      body: githubLoginsBody,
      responses: { 200: { description: "The logins", schema: z.object({ githubLogins: z.array(z.string()) }) } },
    },
    async ({ params, body, user, res }) => {
      await requireOrganizationAccess(db, user, params.id, "owner");
      const logins = await setGithubLogins(db, { organizationId: params.id, logins: body.logins, actorUserId: user.id }, { clock });
      res.json({ githubLogins: logins });
    },
  );
}

function registerSizeFactsRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  api.route(
    {
      method: "post",
      path: "/organizations/{id}/facts",
      tag,
      summary: "Record size facts in force from a date (owners and treasurers); one that lowers a fee is listed for review",
      auth: "user",
      params: idParam,
      body: sizeFactsBody,
      responses: { 201: { description: "The size facts", schema: sizeFactsResponse } },
    },
    async ({ params, body, user, res }) => {
      await requireOrganizationAccess(db, user, params.id, "owner");
      const input = { organizationId: params.id, ...body, actorUserId: user.id, actorIsTreasurer: user.isTreasurer };
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/organizations/${params.id}`)
        .json(sizeFactView(await recordSizeFacts(db, input, { clock })));
    },
  );

  registerReviewQueueRoute(api, deps);

  api.route(
    {
      method: "post",
      path: "/size-facts/{id}/review",
      tag,
      summary: "Accept or reject a declaration that lowered a fee; a rejected one is replaced by the previous",
      auth: "treasurer",
      params: idParam,
      body: sizeFactReviewBody,
      responses: {
        201: {
          description: "The review",
          schema: z.object({
            id: z.number().int(),
            sizeFactId: z.number().int(),
            decision: z.string(),
            reason: z.string(),
            decidedBy: z.number().int(),
            createdAt: z.string(),
          }),
        },
      },
    },
    async ({ params, body, user, res }) => {
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/size-facts/review-queue`)
        .json(await reviewSizeFacts(db, { sizeFactId: params.id, ...body, actorUserId: user.id }, { clock }));
    },
  );
}

function registerReviewQueueRoute(api: ApiRouter, deps: AppDeps): void {
  const { db } = deps;
  api.route(
    {
      method: "get",
      path: "/size-facts/review-queue",
      tag,
      summary: "Size-facts declarations that lowered a fee and wait for a treasurer's review",
      auth: "treasurer",
      query: z.object(cursorQuery),
      responses: {
        200: {
          description: "Declarations, oldest first, each with the facts it replaced",
          schema: sizeFactsReviewQueueResponse.extend({ next: nextSchema }),
        },
      },
    },
    async ({ query, req, res }) => {
      const queue = await sizeFactsAwaitingReview(db);
      // Keyed by id, not found by it: a declaration reviewed meanwhile does not break the walk.
      const { items, next } = pageOfSorted(req, res, publicBaseUrl(deps.config), queue, query, z.tuple([z.number().int()]), (f) => [f.id]);
      res.json({ sizeFacts: items, next });
    },
  );
}

function registerCooperativeRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  api.route(
    {
      method: "post",
      path: "/organizations/{id}/cooperative-evidence",
      tag,
      summary: "Submit (or resubmit, after a rejection) cooperative evidence",
      auth: "user",
      params: idParam,
      body: cooperativeEvidenceBody,
      responses: { 201: { description: "The organization", schema: organizationResponse } },
    },
    async ({ params, body, user, res }) => {
      const org = await requireOrganizationAccess(db, user, params.id, "owner");
      const { organization } = await submitCooperativeEvidence(db, org, { ...body, actorUserId: user.id }, { clock });
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/organizations/${organization.id}`)
        .json(await organizationView(db, organization, today(clock)));
    },
  );

  api.route(
    {
      method: "post",
      path: "/organizations/{id}/verification",
      tag,
      summary: "Decide a pending cooperative's verification",
      auth: "treasurer",
      params: idParam,
      body: verificationBody,
      responses: {
        201: {
          description: "The decision",
          schema: z.object({
            id: z.number().int(),
            organizationId: z.number().int(),
            decision: z.string(),
            reason: z.string(),
            decidedBy: z.number().int(),
            decidedAt: z.string(),
          }),
        },
      },
    },
    async ({ params, body, user, res }) => {
      // Held invoices are settled in the decision's transaction, with its handle.
      const afterDecision = (tx: Db, organizationId: number, decision: VerificationDecision) =>
        settleHeldInvoices(tx, organizationId, decision, user.id, invoicingDeps(deps));
      const decided = await decideVerification(db, { organizationId: params.id, ...body, actorUserId: user.id }, { clock, afterDecision });
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/organizations/${params.id}`)
        .json(decided);
    },
  );
}
