// `npm run bench`: performance targets, measured and printed as figures and ratios, on SQLite and on
// PostgreSQL (a throwaway durable server unless BENCH_DATABASE_URL names one). BENCH_ENGINES=sqlite runs one.
import type { Engine } from "../src/db/client.js";
import { benchBilling, type BenchResult } from "./billing.bench.js";
import { benchCheck } from "./check.bench.js";
import { benchHttp } from "./http.bench.js";
import { benchBooks } from "./books.bench.js";
import { benchCli } from "./cli.bench.js";
import { benchMemory } from "./memory.bench.js";
import { benchDistribution } from "./distribution.bench.js";
import { BenchEngine } from "./seed.js";

const engines = (process.env.BENCH_ENGINES ?? "sqlite,postgres").split(",") as Engine[];
/** BENCH_ONLY=check, billing, http, memory, cli, books or distribution runs one section. */
const only = process.env.BENCH_ONLY;
const runs = (section: string) => only === undefined || only === section;
const results: BenchResult[] = [];
if (runs("cli")) results.push(benchCli());
for (const name of engines) {
  const engine = await BenchEngine.start(name);
  try {
    if (runs("check")) results.push(await benchCheck(engine, { packages: 20_000, works: 100_000, rounds: 7 }));
    if (runs("billing"))
      results.push(
        await benchBilling(engine, {
          orgs: Number(process.env.BENCH_ORGS ?? 10_000),
          usagesPerOrg: 20,
          rounds: Number(process.env.BENCH_ROUNDS ?? 3),
        }),
      );
    if (runs("books")) results.push(await benchBooks(engine, { orgs: Number(process.env.BENCH_ORGS ?? 10_000) }));
    if (runs("distribution"))
      results.push(
        await benchDistribution(engine, {
          orgs: Number(process.env.BENCH_ORGS ?? 10_000),
          payments: Number(process.env.BENCH_PAYMENTS ?? 100_000),
          rounds: Number(process.env.BENCH_ROUNDS ?? 3),
        }),
      );
    if (runs("http"))
      results.push(
        ...(await benchHttp(engine, {
          works: 1_000,
          connections: 50,
          seconds: Number(process.env.BENCH_HTTP_SECONDS ?? 5),
        })),
      );
    if (runs("memory"))
      results.push(
        await benchMemory(engine, { works: Number(process.env.BENCH_WORKS ?? 100_000), orgs: Number(process.env.BENCH_ORGS ?? 10_000) }),
      );
  } finally {
    engine.stop();
  }
}

for (const r of results) if (r.lines.length > 0) process.stdout.write(r.lines.join("\n") + "\n\n");
process.stdout.write("summary\n");
for (const r of results) {
  const ratioMet = r.atLeast ? r.ratio >= r.target : r.ratio <= r.target;
  const p99Met = r.p99 === undefined || r.p99Target === undefined || r.p99 < r.p99Target;
  const p99 = r.p99 === undefined ? "" : `, p99 ${r.p99} ms (target < ${r.p99Target} ms)`;
  process.stdout.write(
    `  ${r.name.padEnd(38)} ${r.ratio.toFixed(2)}× (target ${r.atLeast ? "≥" : "≤"} ${r.target}×)${p99} ${ratioMet && p99Met ? "met" : "NOT met"}\n`,
  );
}
