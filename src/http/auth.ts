// Who is calling: a bearer token for the API, a session cookie for the web pages.
import type { Request, RequestHandler } from "express";
import type { Db } from "../db/client.js";
import type { Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { userForToken } from "../accounts/tokens.js";

export interface AuthUser {
  id: number;
  email: string;
  name: string;
  isTreasurer: boolean;
  via: "token" | "session";
}

declare module "express-serve-static-core" {
  interface Request {
    auth?: AuthUser | null;
  }
}

/** The web session's user, read from the cookie (cookie-parser); null when there is none. */
export type SessionUserLookup = (req: Request) => Promise<Omit<AuthUser, "via"> | null>;

async function userFromBearer(db: Db, clock: Clock, header: string): Promise<AuthUser> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m?.[1]) throw new AppError("unauthenticated", "The Authorization header must be `Bearer <token>`.");
  const user = await userForToken(db, m[1], { clock });
  if (!user) {
    throw new AppError("unauthenticated", "The API token is unknown or revoked.", {
      headers: { "WWW-Authenticate": 'Bearer realm="reciprocity", error="invalid_token"' },
    });
  }
  return { id: user.id, email: user.email, name: user.name, isTreasurer: user.isTreasurer, via: "token" };
}

export function authenticate(
  db: Db,
  clock: Clock,
  /** The web session cookie, read by cookie-parser; bearer tokens take precedence. */
  sessionUser?: SessionUserLookup,
): RequestHandler {
  const identify = async (req: Request): Promise<AuthUser | null> => {
    const header = req.get("authorization");
    if (header !== undefined) return userFromBearer(db, clock, header);
    const fromSession = sessionUser ? await sessionUser(req) : null;
    return fromSession ? { ...fromSession, via: "session" } : null;
  };
  return async (req, _res, next) => {
    let auth: AuthUser | null;
    try {
      auth = await identify(req);
    } catch (error) {
      next(error);
      return;
    }
    req.auth = auth;
    next();
  };
}
