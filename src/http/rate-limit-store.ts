// express-rate-limit's counters kept in the database (`rate_limit_counters`), so that every server
// process on the same database counts against the same limits. Fixed windows: a key's first hit opens a
// window of `windowMs`; the hits in it are counted; the first hit after it ends opens the next.
import { and, eq, gt, sql } from "drizzle-orm";
import type { ClientRateLimitInfo, Options, Store } from "express-rate-limit";
import type { Db } from "../db/client.js";
import { rateLimitCounters } from "../db/schema.js";
import { toInt } from "../db/sql.js";
import type { Clock } from "../shared/clock.js";

const DEFAULT_WINDOW_MS = 60_000;

/**
 * One statement: a new key starts at 1; a key whose window has ended starts a new window at 1;
 * otherwise its hits go up by one. Concurrent hits (any process) serialise on the key's row.
 */
async function incrementCounter(db: Db, key: string, now: Date, windowMs: number) {
  const expired = sql`${rateLimitCounters.windowEndsAt} <= ${now.toISOString()}`;
  const [row] = await db.transaction(async (tx) =>
    tx
      .insert(rateLimitCounters)
      .values({ key, hits: 1, windowEndsAt: new Date(now.getTime() + windowMs).toISOString() })
      .onConflictDoUpdate({
        target: rateLimitCounters.key,
        set: {
          hits: sql`case when ${expired} then 1 else ${rateLimitCounters.hits} + 1 end`,
          windowEndsAt: sql`case when ${expired} then excluded.window_ends_at else ${rateLimitCounters.windowEndsAt} end`,
        },
      })
      .returning({ hits: rateLimitCounters.hits, windowEndsAt: rateLimitCounters.windowEndsAt }),
  );
  return row!;
}

/** A store for one limiter; `prefix` keeps its keys apart from other limiters' in the shared table. */
export function rateLimitStore(db: Db, clock: Clock, prefix: string): Store {
  let windowMs = DEFAULT_WINDOW_MS;
  const keyPrefix = `${prefix}:`;
  const counterKey = (key: string) => keyPrefix + key;
  const info = (row: { hits: unknown; windowEndsAt: string }): ClientRateLimitInfo => ({
    totalHits: toInt(row.hits),
    resetTime: new Date(row.windowEndsAt),
  });

  return {
    prefix: keyPrefix,
    // Counts are shared by every process (and every limiter instance) on the database.
    localKeys: false,

    init(options: Options) {
      windowMs = options.windowMs;
    },

    async get(key) {
      const [row] = await db
        .select({ hits: rateLimitCounters.hits, windowEndsAt: rateLimitCounters.windowEndsAt })
        .from(rateLimitCounters)
        .where(and(eq(rateLimitCounters.key, counterKey(key)), gt(rateLimitCounters.windowEndsAt, clock.now().toISOString())));
      return row ? info(row) : undefined;
    },

    async increment(key) {
      return info(await incrementCounter(db, counterKey(key), clock.now(), windowMs));
    },

    async decrement(key) {
      // Only a hit of the current window is taken back (skipSuccessfulRequests / skipFailedRequests).
      await db.transaction(async (tx) => {
        await tx
          .update(rateLimitCounters)
          .set({ hits: sql`${rateLimitCounters.hits} - 1` })
          .where(
            and(
              eq(rateLimitCounters.key, counterKey(key)),
              gt(rateLimitCounters.hits, 0),
              gt(rateLimitCounters.windowEndsAt, clock.now().toISOString()),
            ),
          );
      });
    },

    async resetKey(key) {
      await db.transaction(async (tx) => {
        await tx.delete(rateLimitCounters).where(eq(rateLimitCounters.key, counterKey(key)));
      });
    },
  };
}

/**
 * express-rate-limit's start-up checks, less one: a client may send X-Forwarded-For whatever TRUST_PROXY
 * says (without it the header is simply not believed), so its presence is no misconfiguration to report on
 * the console.
 */
export const RATE_LIMIT_VALIDATE = { xForwardedForHeader: false } as const;
