// `npm run bench`: performance targets, measured and printed as figures and ratios.
import { benchBilling, type BenchResult } from "./billing.bench.js";
import { benchCheck } from "./check.bench.js";

const results: BenchResult[] = [];
results.push(benchCheck({ packages: 20_000, works: 100_000, rounds: 7 }));
results.push(
  benchBilling({ orgs: Number(process.env.BENCH_ORGS ?? 10_000), usagesPerOrg: 20, rounds: Number(process.env.BENCH_ROUNDS ?? 3) }),
);

for (const r of results) {
  process.stdout.write(r.lines.join("\n") + "\n\n");
}
process.stdout.write("summary\n");
for (const r of results) {
  process.stdout.write(
    `  ${r.name.padEnd(28)} ${r.ratio.toFixed(2)}× (target ≤ ${r.target}×) ${r.ratio <= r.target ? "met" : "NOT met"}\n`,
  );
}
