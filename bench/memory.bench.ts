// Memory: the real server process (`reciprocity serve`) on a database of 100,000 works and 10,000
// organizations, after a check of a 20,000-package lockfile and a billing run: its resident set, read from
// /proc. Target: at most 150 MB, read right as the billing run has answered (its whole answer read). Between
// the check and the run the bench waits for the check's parse worker to stop (it does after
// PARSE_WORKER_IDLE_MS idle), as a server between a CI job's check and the month's billing would; nothing
// forces a garbage collection in the server.
import { readFileSync } from "node:fs";
import { startServerProcess } from "../test/support/server-process.js";
import type { BenchResult } from "./billing.bench.js";
import { seedBilling } from "./billing.bench.js";
import type { BenchEngine } from "./seed.js";
import { createApiToken } from "../src/accounts/tokens.js";
import { systemClock } from "../src/shared/clock.js";
import { PARSE_WORKER_IDLE_MS } from "../src/checks/parse-pool.js";

export const SERVER_NODE_OPTIONS = "--max-semi-space-size=2";
/**
 * As `npm start` sets it: two malloc arenas, not eight per core, so what a parse worker thread freed is reused by
 * the process instead of staying resident in an arena of its own (after a check: about 20 MB less).
 */
export const SERVER_MALLOC = { MALLOC_ARENA_MAX: "2" };

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

function lockfile(packages: number, works: number): string {
  const entries: Record<string, unknown> = { "": { name: "bench-app" } };
  for (let i = 0; i < packages; i++) {
    // Every fifth package is a registered work's; the rest are unknown to the registry.
    const name = i % 5 === 0 ? `commons-pkg-${(i * 7) % works}` : `other-pkg-${i}`;
    entries[`node_modules/${name}`] = { version: "1.0.0" };
  }
  return JSON.stringify({ name: "bench-app", lockfileVersion: 3, packages: entries });
}

export async function benchMemory(engine: BenchEngine, options: { works: number; orgs: number }): Promise<BenchResult> {
  const { database, location } = await engine.fresh();
  await seedBilling(database.db, options.orgs, 5, options.works);
  // The seeded treasurer (user 1) calls the API.
  const { secret: token } = await createApiToken(database.db, { userId: 1, name: "bench", actorUserId: null }, { clock: systemClock });
  await database.close();
  const server = await startServerProcess({
    DATABASE_PATH: location.path,
    DATABASE_URL: location.url ?? "",
    SIGNING_KEY_PATH: `${location.path}.key.pem`,
    // As the README recommends for production: a small young generation, so the garbage of module loading
    // and of requests is not kept as resident memory (idle RSS 280 MB → 120 MB).
    NODE_OPTIONS: SERVER_NODE_OPTIONS,
    ...SERVER_MALLOC,
  });
  try {
    const pid = server.child.pid!;
    const idle = rssMb(pid);
    const auth = { authorization: `Bearer ${token}` };
    const check = await fetch(`${server.url}/api/v1/checks`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: lockfile(20_000, options.works),
    });
    if (!check.ok) throw new Error(`check answered ${check.status}: ${await check.text()}`);
    const afterCheck = rssMb(pid);
    // The parse worker (a thread: its heap is the server's RSS) stops once idle; the billing run comes after.
    await new Promise((r) => setTimeout(r, PARSE_WORKER_IDLE_MS + 1000));
    const afterWorker = rssMb(pid);
    const billing = await fetch(`${server.url}/api/v1/billing-runs`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ month: "2026-03" }),
    });
    if (!billing.ok) throw new Error(`billing answered ${billing.status}: ${(await billing.text()).slice(0, 500)}`);
    await billing.arrayBuffer();
    const after = rssMb(pid);
    return {
      name: `server RSS after check and billing (${engine.engine})`,
      ratio: after.rss / 150,
      target: 1,
      lines: [
        `memory on ${engine.engine}: ${options.works} works, ${options.orgs} organizations, NODE_OPTIONS=${SERVER_NODE_OPTIONS} MALLOC_ARENA_MAX=${SERVER_MALLOC.MALLOC_ARENA_MAX}; server RSS idle ${idle.rss.toFixed(0)} MB, ` +
          `after a 20,000-package check ${afterCheck.rss.toFixed(0)} MB (${afterWorker.rss.toFixed(0)} MB once its parse worker stopped), ` +
          `after the billing run ${after.rss.toFixed(0)} MB, right as it answered ` +
          `(peak ${after.peak.toFixed(0)} MB; target ≤ 150 MB)`,
      ],
    };
  } finally {
    await server.stop();
  }
}
