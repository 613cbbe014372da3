// CLI start: `reciprocity check --help` against bare `node -e 0`, the median of several runs each.
// Target: at most 4 × bare node (the check client loads nothing of the server and no tsx).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { BenchResult } from "./billing.bench.js";

const ROOT = join(import.meta.dirname, "..");

function medianMs(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    // A token in the environment must not show in the help.
    const r = spawnSync(process.execPath, args, { env: { ...process.env, RECIPROCITY_TOKEN: "bench-secret-token" }, encoding: "utf8" });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    if (r.stdout.includes("bench-secret-token")) throw new Error("the token from the environment was printed");
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function benchCli(runs = 9): BenchResult {
  const bare = medianMs(["-e", "0"], runs);
  const check = medianMs([join(ROOT, "bin/reciprocity.js"), "check", "--help"], runs);
  const full = medianMs([join(ROOT, "bin/reciprocity.js"), "--help"], 3);
  return {
    name: "cli: check --help vs node -e 0",
    ratio: check / bare,
    target: 4,
    lines: [
      `cli start (median of ${runs}): node -e 0 ${bare.toFixed(0)} ms; reciprocity check --help ${check.toFixed(0)} ms ` +
        `(${(check / bare).toFixed(2)}×); reciprocity --help (tsx, every command) ${full.toFixed(0)} ms`,
    ],
  };
}
