// The limits every way of checking a file goes through, the API route and the web /check form alike:
// anonymous checks are rate-limited per client address (signed-in callers are not), with the counts kept
// in the database under the "check" prefix, so every server process and both routes count against the
// same limit; and every caller has a bounded number of checks in flight.
import type { Request, RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { RATE_LIMIT_VALIDATE, rateLimitStore } from "../http/rate-limit-store.js";
import { CheckLimitError, MAX_CHECKS_PER_CLIENT } from "./check-limits.js";

export interface CheckGuards {
  /** CHECK_RATE_LIMIT_PER_MINUTE anonymous checks a minute per client address. */
  rateLimit: RequestHandler;
  /** At most MAX_CHECKS_PER_CLIENT checks in flight per client address. */
  concurrency: RequestHandler;
}

// One set per app (its deps): the API and the page share the limiter instance and the in-flight counts.
const guards = new WeakMap<AppDeps, CheckGuards>();

export function checkGuards(deps: AppDeps): CheckGuards {
  let g = guards.get(deps);
  if (!g) {
    const { db, clock, config } = deps;
    g = {
      rateLimit: rateLimit({
        store: rateLimitStore(db, clock, "check"),
        windowMs: 60_000,
        limit: config.CHECK_RATE_LIMIT_PER_MINUTE,
        standardHeaders: "draft-8",
        legacyHeaders: false,
        validate: RATE_LIMIT_VALIDATE,
        skip: (req) => Boolean(req.auth),
        handler: (_req, _res, next) =>
          next(
            new AppError(
              "rate_limited",
              `Anonymous checks are limited to ${config.CHECK_RATE_LIMIT_PER_MINUTE} a minute; sign in or send an API token for more.`,
            ),
          ),
      }),
      concurrency: checkConcurrency(),
    };
    guards.set(deps, g);
  }
  return g;
}

/**
 * At most `max` checks in flight per client address (every caller, signed in or not): the next one is
 * refused with a 429 before its file is read. The slot is freed when the response ends or the
 * connection closes.
 */
export function checkConcurrency(max: number = MAX_CHECKS_PER_CLIENT): RequestHandler {
  const inFlight = new Map<string, number>();
  const keyOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? "unknown";
  return (req, res, next) => {
    const key = keyOf(req);
    const n = inFlight.get(key) ?? 0;
    if (n >= max) {
      next(
        new CheckLimitError(
          "too_many_concurrent_checks",
          `At most ${max} checks may run at once from one address; wait for one to finish before sending another.`,
          { headers: { "Retry-After": "5" } },
        ),
      );
      return;
    }
    inFlight.set(key, n + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left <= 0) inFlight.delete(key);
      else inFlight.set(key, left);
    };
    res.once("finish", release);
    res.once("close", release);
    next();
  };
}
