import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import { cursorQuery, nextSchema, pageOfList } from "../http/pagination.js";
import { AppError } from "../shared/errors.js";
import { idParam, type ApiRouter } from "../http/route.js";
import type { Actor } from "../shared/actor.js";
import { createUser, getUser, userView } from "./create-user.js";
import { hashPassword } from "./passwords.js";
import { createApiToken, listApiTokens, revokeApiToken } from "./tokens.js";
import { createdTokenResponse, createTokenBody, createUserBody, tokenParams, tokenResponse, userResponse } from "./accounts.schemas.js";

/** A user manages their own tokens; a treasurer manages anyone's. Others learn nothing. */
function requireSelfOrTreasurer(user: Actor, userId: number): void {
  if (user.id !== userId && !user.isTreasurer) throw new AppError("not_found", "User was not found.");
}

export function registerAccountRoutes(api: ApiRouter, deps: AppDeps): void {
  registerUserRoutes(api, deps);
  registerTokenRoutes(api, deps);
}

function registerUserRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  api.route(
    {
      method: "post",
      path: "/users",
      tag: "accounts",
      summary: "Create a user",
      auth: "treasurer",
      body: createUserBody,
      responses: { 201: { description: "The user", schema: userResponse } },
    },
    async ({ body, user, res }) => {
      const passwordHash = body.password ? await hashPassword(body.password) : null;
      const created = await createUser(db, { email: body.email, name: body.name, passwordHash, actorUserId: user.id }, { clock });
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/users/${created.id}`)
        .json(userView(created));
    },
  );

  api.route(
    {
      method: "get",
      path: "/users/me",
      tag: "accounts",
      summary: "The calling user",
      auth: "user",
      responses: { 200: { description: "The user", schema: userResponse } },
    },
    async ({ user, res }) => {
      const row = await getUser(db, user.id);
      if (!row) throw new AppError("unauthenticated", "The user no longer exists.");
      res.json(userView(row));
    },
  );

  // After /users/me: "me" is not an id.
  api.route(
    {
      method: "get",
      path: "/users/{id}",
      tag: "accounts",
      summary: "A user (the user themself, or a treasurer)",
      auth: "user",
      params: idParam,
      responses: { 200: { description: "The user", schema: userResponse } },
    },
    async ({ params, user, res }) => {
      requireSelfOrTreasurer(user, params.id);
      const row = await getUser(db, params.id);
      if (!row) throw new AppError("not_found", "User was not found.");
      res.json(userView(row));
    },
  );
}

function registerTokenRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  api.route(
    {
      method: "get",
      path: "/users/{id}/tokens",
      tag: "accounts",
      summary: "List a user's API tokens",
      auth: "user",
      params: idParam,
      query: z.object(cursorQuery),
      responses: {
        200: { description: "Tokens (never their secrets)", schema: z.object({ tokens: z.array(tokenResponse), next: nextSchema }) },
      },
    },
    async ({ params, query, user, req, res }) => {
      requireSelfOrTreasurer(user, params.id);
      const { items, next } = pageOfList(req, res, publicBaseUrl(deps.config), await listApiTokens(db, params.id), query, (t) => t.id);
      res.json({ tokens: items, next });
    },
  );

  api.route(
    {
      method: "post",
      path: "/users/{id}/tokens",
      tag: "accounts",
      summary: "Create an API token; the secret appears in this response only",
      auth: "user",
      params: idParam,
      body: createTokenBody,
      responses: { 201: { description: "The token with its secret", schema: createdTokenResponse } },
    },
    async ({ params, body, user, res }) => {
      requireSelfOrTreasurer(user, params.id);
      if (!(await getUser(db, params.id))) throw new AppError("not_found", "User was not found.");
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/users/${params.id}/tokens`)
        .json(await createApiToken(db, { userId: params.id, name: body.name, actorUserId: user.id }, { clock }));
    },
  );

  api.route(
    {
      method: "delete",
      path: "/users/{id}/tokens/{tokenId}",
      tag: "accounts",
      summary: "Revoke an API token",
      auth: "user",
      params: tokenParams,
      responses: { 200: { description: "The revoked token", schema: tokenResponse } },
    },
    async ({ params, user, res }) => {
      requireSelfOrTreasurer(user, params.id);
      res.json(await revokeApiToken(db, { userId: params.id, tokenId: params.tokenId, actorUserId: user.id }, { clock }));
    },
  );
}
