// Fast reads: the real app (default `info` logger, writing to a file as it would to stdout) serving the public
// reads under 50 keep-alive connections, against a bare express "hello" in the same server process. The load
// comes from autocannon in a child process, so that client and server each get one of the machine's cores.
import { npmRegistryFromConfig } from "../src/deps.js";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { generateKeyPairSync } from "node:crypto";
import express, { type Express } from "express";
import { pino } from "pino";
import { createApp } from "../src/app.js";
import { testConfig } from "../src/config.js";
import { GitHub } from "../src/github/github-client.js";
import { booksLogFor } from "../src/deps.js";
import { createMailer } from "../src/mail/mailer.js";
import { signerFromPrivateKey } from "../src/grants/signing-key.js";
import { systemClock } from "../src/shared/clock.js";
import type { BenchResult } from "./billing.bench.js";
import { BenchEngine, seedWorks } from "./seed.js";

const AUTOCANNON = createRequire(import.meta.url).resolve("autocannon/autocannon.js");

export interface HttpBenchOptions {
  works: number;
  connections: number;
  /** Measured seconds per target (after a one-second warm-up). */
  seconds: number;
}

interface Run {
  rps: number;
  /** Server CPU (user + system, this process) per request, in microseconds: less sensitive to other load. */
  cpuUs: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** One autocannon run against `url`, in a child process (the JSON it prints on stdout). */
function autocannon(url: string, connections: number, seconds: number): Promise<Run> {
  const args = [AUTOCANNON, "-c", String(connections), "-d", String(seconds), "-j", "-n", url];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(new Error(`autocannon against ${url} failed`, { cause: error }));
      const r = JSON.parse(stdout) as {
        requests: { average: number; total: number };
        latency: { p99: number };
        non2xx: number;
        errors: number;
      };
      resolve({ rps: r.requests.average, cpuUs: 0, p99: r.latency.p99, requests: r.requests.total, non2xx: r.non2xx, errors: r.errors });
    });
  });
}

function listen(app: Express): Promise<{ server: Server; origin: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, "127.0.0.1", (error?: Error) => {
      if (error) return reject(error);
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function measure(url: string, options: HttpBenchOptions): Promise<Run> {
  await autocannon(url, options.connections, 1); // warm-up: JIT, statement caches, pools
  const cpu = process.cpuUsage();
  const run = await autocannon(url, options.connections, options.seconds);
  const used = process.cpuUsage(cpu);
  return { ...run, cpuUs: (used.user + used.system) / Math.max(1, run.requests) };
}

/** Per engine: one result per API read, its ratio to bare express (target ≥ 0.5, p99 < 25 ms). */
export async function benchHttp(engine: BenchEngine, options: HttpBenchOptions): Promise<BenchResult[]> {
  const { database } = await engine.fresh();
  const logDir = mkdtempSync(join(tmpdir(), "reciprocity-bench-log-"));
  const servers: Server[] = [];
  const destinations: { flushSync(): void }[] = [];
  try {
    await database.db.transaction((tx) => seedWorks(tx, options.works, true));

    const bare = express();
    bare.disable("x-powered-by");
    bare.get("/", (_req, res) => {
      res.send("Hello, world!");
    });
    const bareServer = await listen(bare);
    servers.push(bareServer.server);

    // The production logger's options at the default level; a file stands in for stdout, written as pino
    // writes stdout (asynchronously, lines that arrive during a write going out with the next one).
    const config = testConfig({ LOG_LEVEL: "info", CHECK_RESPONSES: false, DATABASE_PATH: database.path ?? ":memory:" });
    const destination = pino.destination({ dest: join(logDir, "server.log"), sync: false });
    destinations.push(destination);
    const logger = pino(
      { level: config.LOG_LEVEL, redact: ["req.headers.authorization", "req.headers.cookie", "githubToken"] },
      destination,
    );
    const signer = signerFromPrivateKey(generateKeyPairSync("ed25519").privateKey);
    const app = createApp({
      db: database.db,
      config,
      npm: npmRegistryFromConfig(config),
      clock: systemClock,
      logger,
      github: new GitHub({ baseUrl: config.GITHUB_API_URL, timeoutMs: 1000, retries: 0 }),
      signer,
      books: booksLogFor(config, signer),
      mailer: createMailer(config, logger),
    });
    const appServer = await listen(app);
    servers.push(appServer.server);

    const slug = `work-${Math.floor(options.works / 2)}`;
    const targets: [string, string][] = [
      ["GET /healthz", `${appServer.origin}/healthz`],
      ["GET /api/v1/works/{slug}", `${appServer.origin}/api/v1/works/${slug}`],
      ["GET /api/v1/works", `${appServer.origin}/api/v1/works`],
      ["GET /works/{slug}", `${appServer.origin}/works/${slug}`],
    ];

    const base = await measure(`${bareServer.origin}/`, options);
    const runs: [string, Run][] = [];
    for (const [name, url] of targets) runs.push([name, await measure(url, options)]);
    const rssMb = process.memoryUsage().rss / 1_048_576;

    const row = (name: string, r: Run, ratio: string) =>
      `  ${name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)} req/s   p99 ${String(r.p99).padStart(4)} ms   ${r.cpuUs.toFixed(0).padStart(4)} µs CPU/req   ${ratio}` +
      (r.non2xx || r.errors ? `   (${r.non2xx} non-2xx, ${r.errors} errors of ${r.requests})` : "");
    const lines = [
      `http reads on ${engine.engine}: ${options.works} works, ${options.connections} connections, ${options.seconds} s per target; ` +
        `autocannon in a child process, server in this one (info-level log to a file)`,
      row("bare express hello", base, "ratio    1.00"),
      ...runs.map(([name, r]) => row(name, r, `ratio ${(r.rps / base.rps).toFixed(2).padStart(7)}`)),
      `  server RSS after the runs ${rssMb.toFixed(0)} MB`,
    ];
    return runs.map(([name, r], i) => ({
      name: `${name} (${engine.engine})`,
      ratio: r.rps / base.rps,
      target: 0.5,
      atLeast: true,
      p99: r.p99,
      p99Target: 25,
      lines: i === 0 ? lines : [],
    }));
  } finally {
    for (const server of servers) await close(server);
    for (const destination of destinations) destination.flushSync();
    await database.close();
    rmSync(logDir, { recursive: true, force: true });
  }
}
