// Memory: the real server process (`reciprocity serve`) on a database of 100,000 works and 10,000
// organizations, after a check of a 20,000-package lockfile and a billing run: its resident set, read from
// /proc, with its parts (the malloc heap, where SQLite's page caches live; other anonymous memory, mostly V8's
// heap; file pages, mostly the node binary). Between the check and the run the bench waits for the check's
// parse process to exit (it does after PARSE_WORKER_IDLE_MS idle), as a server between a CI job's check and
// the month's billing would. The RSS is read right as the billing run has answered (its whole answer read),
// and again once the server has been idle for SETTLE_MS: the target (at most 150 MB) holds for that figure.
// What goes in between is the server's idle collector (src/idle-collector.ts): once the server has been idle for
// one of its 5 s looks after the run grew the heap, it runs one memory-reducing collection — V8's own memory
// reducer never starts after a run that ends in silence.
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
 * As `npm start` sets it: two malloc arenas, not eight per core, so what the server's threads (libuv's pool, V8's
 * helpers) freed is reused by the process instead of staying resident in arenas of their own.
 */
export const SERVER_MALLOC = { MALLOC_ARENA_MAX: "2" };

/** How long the server is left idle after the billing run before its settled RSS is read. */
export const SETTLE_MS = 20_000;

interface Rss {
  rss: number;
  peak: number;
  /** The malloc heap (brk): SQLite's page caches and statements, native buffers. */
  malloc: number;
  /** Other anonymous memory: V8's heap pages, stacks, large malloc blocks. */
  anon: number;
  /** Resident pages of mapped files: the node binary, shared libraries, native addons. */
  file: number;
}

function rssMb(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  const parts = { malloc: 0, anon: 0, file: 0 };
  let part: keyof typeof parts = "anon";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) part = mapping[1] === "[heap]" ? "malloc" : mapping[1]!.startsWith("/") ? "file" : "anon";
    else if (line.startsWith("Rss:")) parts[part] += Number(line.split(/\s+/)[1]) / 1024;
  }
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024, ...parts };
}

const mb = (r: Rss) =>
  `${r.rss.toFixed(0)} MB (malloc heap ${r.malloc.toFixed(0)}, other anonymous ${r.anon.toFixed(0)}, files ${r.file.toFixed(0)})`;

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
    // The parse process exits once idle; the billing run comes after.
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
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const settled = rssMb(pid);
    return {
      name: `server RSS after check and billing (${engine.engine})`,
      ratio: settled.rss / 150,
      target: 1,
      lines: [
        `memory on ${engine.engine}: ${options.works} works, ${options.orgs} organizations, NODE_OPTIONS=${SERVER_NODE_OPTIONS} MALLOC_ARENA_MAX=${SERVER_MALLOC.MALLOC_ARENA_MAX}; server RSS`,
        `  idle                                   ${mb(idle)}`,
        `  after a 20,000-package check           ${mb(afterCheck)}`,
        `  once its parse process exited          ${mb(afterWorker)}`,
        `  as the billing run answered            ${mb(after)}`,
        `  after ${SETTLE_MS / 1000} s idle (target ≤ 150 MB)    ${mb(settled)}; peak ${settled.peak.toFixed(0)} MB`,
      ],
    };
  } finally {
    await server.stop();
  }
}
