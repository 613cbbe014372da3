// Fast reads: the real server as `npm start` runs it (`reciprocity serve` in a process of its own, with npm start's
// node flags and malloc setting, logging every request at the default `info` level to its stdout, a pipe) serving
// the public reads under 50 keep-alive connections, against a bare express "hello" in a process of its own started
// with the same flags. The load comes from autocannon in a child process, so that client and server each get one
// of the machine's cores; each server's CPU time is read from /proc.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { once } from "node:events";
import type { BenchResult } from "./billing.bench.js";
import { BenchEngine, seedWorks } from "./seed.js";
import { SERVER_MALLOC, SERVER_NODE_OPTIONS } from "./memory.bench.js";
import { root, startServerProcess } from "../test/support/server-process.js";

const AUTOCANNON = createRequire(import.meta.url).resolve("autocannon/autocannon.js");

export interface HttpBenchOptions {
  works: number;
  connections: number;
  /** Measured seconds per target (after a one-second warm-up). */
  seconds: number;
}

interface Run {
  rps: number;
  /** Server CPU (user + system, the server's process) per request, in microseconds: less sensitive to other load. */
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

/** CPU time (user + system) a process has used so far, in microseconds (/proc counts clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function measure(url: string, pid: number, options: HttpBenchOptions): Promise<Run> {
  await autocannon(url, options.connections, 1); // warm-up: JIT, statement caches, pools
  const cpu = cpuMicros(pid);
  const run = await autocannon(url, options.connections, options.seconds);
  return { ...run, cpuUs: (cpuMicros(pid) - cpu) / Math.max(1, run.requests) };
}

/** The bare hello, started as the server is: same node, same NODE_OPTIONS and malloc setting. */
async function startBare(): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, [join(root, "bench/bare-hello.ts")], {
    env: { ...process.env, NODE_OPTIONS: SERVER_NODE_OPTIONS, ...SERVER_MALLOC },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [port] = await once(child.stdout, "data");
  return { child, origin: `http://127.0.0.1:${String(port).trim()}` };
}

/** Per engine: one result per API read, its ratio to bare express (target ≥ 0.5, p99 < 25 ms). */
export async function benchHttp(engine: BenchEngine, options: HttpBenchOptions): Promise<BenchResult[]> {
  const { database, location } = await engine.fresh();
  await database.db.transaction((tx) => seedWorks(tx, options.works, true));
  await database.close();
  const bare = await startBare();
  const server = await startServerProcess({
    DATABASE_PATH: location.path,
    DATABASE_URL: location.url ?? "",
    SIGNING_KEY_PATH: `${location.path}.key.pem`,
    LOG_LEVEL: "info",
    NODE_OPTIONS: SERVER_NODE_OPTIONS,
    ...SERVER_MALLOC,
  }).catch((error: unknown) => {
    bare.child.kill("SIGTERM");
    throw error;
  });
  try {
    const slug = `work-${Math.floor(options.works / 2)}`;
    const targets: [string, string][] = [
      ["GET /healthz", `${server.url}/healthz`],
      ["GET /api/v1/works/{slug}", `${server.url}/api/v1/works/${slug}`],
      ["GET /api/v1/works", `${server.url}/api/v1/works`],
      ["GET /works/{slug}", `${server.url}/works/${slug}`],
    ];

    const base = await measure(`${bare.origin}/`, bare.child.pid!, options);
    const runs: [string, Run][] = [];
    for (const [name, url] of targets) runs.push([name, await measure(url, server.child.pid!, options)]);
    const rssMb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${server.child.pid}/status`, "utf8"))?.[1]) / 1024;

    const row = (name: string, r: Run, ratio: string) =>
      `  ${name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)} req/s   p99 ${String(r.p99).padStart(4)} ms   ${r.cpuUs.toFixed(0).padStart(4)} µs CPU/req   ${ratio}` +
      (r.non2xx || r.errors ? `   (${r.non2xx} non-2xx, ${r.errors} errors of ${r.requests})` : "");
    const lines = [
      `http reads on ${engine.engine}: ${options.works} works, ${options.connections} connections, ${options.seconds} s per target; ` +
        `autocannon in a child process; the server and the bare hello each in a process of their own, NODE_OPTIONS=${SERVER_NODE_OPTIONS}`,
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
    await server.stop();
    bare.child.kill("SIGTERM");
  }
}
