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

export function authenticate(
  db: Db,
  clock: Clock,
  /** The web session cookie, read by cookie-parser; bearer tokens take precedence. */
  sessionUser?: (req: Request) => Omit<AuthUser, "via"> | null,
): RequestHandler {
  return (req, _res, next) => {
    const header = req.get("authorization");
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m?.[1]) {
        next(new AppError("unauthenticated", "The Authorization header must be `Bearer <token>`."));
        return;
      }
      const user = userForToken(db, m[1], { clock });
      if (!user) {
        next(
          new AppError("unauthenticated", "The API token is unknown or revoked.", {
            headers: { "WWW-Authenticate": 'Bearer realm="reciprocity", error="invalid_token"' },
          }),
        );
        return;
      }
      req.auth = { id: user.id, email: user.email, name: user.name, isTreasurer: user.isTreasurer, via: "token" };
      next();
      return;
    }
    const fromSession = sessionUser?.(req);
    req.auth = fromSession ? { ...fromSession, via: "session" } : null;
    next();
  };
}
