// `npm run bench`: performance targets, measured and printed as figures and ratios, on SQLite and on
// PostgreSQL (a throwaway durable server unless BENCH_DATABASE_URL names one). BENCH_ENGINES=sqlite runs one.
import type { Engine } from "../src/db/client.js";
import { benchBilling, type BenchResult } from "./billing.bench.js";
import { benchCheck } from "./check.bench.js";
import { BenchEngine } from "./seed.js";

const engines = (process.env.BENCH_ENGINES ?? "sqlite,postgres").split(",") as Engine[];
/** BENCH_ONLY=check or billing runs one section. */
const only = process.env.BENCH_ONLY;
const results: BenchResult[] = [];
for (const name of engines) {
  const engine = await BenchEngine.start(name);
  try {
    if (only !== "billing") results.push(await benchCheck(engine, { packages: 20_000, works: 100_000, rounds: 7 }));
    if (only !== "check")
      results.push(
        await benchBilling(engine, {
          orgs: Number(process.env.BENCH_ORGS ?? 10_000),
          usagesPerOrg: 20,
          rounds: Number(process.env.BENCH_ROUNDS ?? 3),
        }),
      );
  } finally {
    engine.stop();
  }
}

for (const r of results) process.stdout.write(r.lines.join("\n") + "\n\n");
process.stdout.write("summary\n");
for (const r of results) {
  process.stdout.write(
    `  ${r.name.padEnd(28)} ${r.ratio.toFixed(2)}× (target ≤ ${r.target}×) ${r.ratio <= r.target ? "met" : "NOT met"}\n`,
  );
}
