// `npm run bench`: performance targets, measured and printed as figures and ratios.
import { benchBilling, type BenchResult } from "./billing.bench.js";

const results: BenchResult[] = [];
results.push(benchBilling({ orgs: Number(process.env.BENCH_ORGS ?? 10_000), usagesPerOrg: 20 }));

for (const r of results) {
  process.stdout.write(r.lines.join("\n") + "\n\n");
}
process.stdout.write("summary\n");
for (const r of results) {
  process.stdout.write(
    `  ${r.name.padEnd(28)} ${r.ratio.toFixed(2)}× (target ≤ ${r.target}×) ${r.ratio <= r.target ? "met" : "NOT met"}\n`,
  );
}
