// A 20,000-package lockfile checked against a registry of 100,000 works, against a bare JSON.parse of the
// same body, in the same process, on either engine.
import { readLockfile } from "../src/checks/readers/read-lockfile.js";
import { runCheck } from "../src/checks/run-check.js";
import type { BenchResult } from "./billing.bench.js";
import { BenchEngine, median, seedWorks } from "./seed.js";

function lockfile(packageCount: number): Buffer {
  // One package in ten is a registered work; the rest are ordinary dependencies, some scoped.
  const packages: Record<string, object> = { "": { name: "app", version: "1.0.0" } };
  for (let i = 0; i < packageCount; i++) {
    const name = i % 10 === 0 ? `commons-pkg-${i * 3}` : i % 3 === 0 ? `@scope-${i % 50}/dep-${i}` : `dep-${i}`;
    packages[`node_modules/${name}`] = {
      version: `${1 + (i % 7)}.${i % 13}.${i % 5}`,
      resolved: `https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz`,
      integrity: `sha512-${"A".repeat(86)}==`,
      license: "MIT",
      dependencies: { [`dep-${i + 1}`]: "^1.0.0" },
    };
  }
  return Buffer.from(JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: 3, requires: true, packages }));
}

export async function benchCheck(engine: BenchEngine, options: { packages: number; works: number; rounds: number }): Promise<BenchResult> {
  const { database } = await engine.fresh();
  const db = database.db;
  try {
    await db.transaction((tx) => seedWorks(tx, options.works, true));
    const body = lockfile(options.packages);
    const clock = { now: () => new Date("2026-04-01T08:00:00Z") };
    const checkMs: number[] = [];
    const parseMs: number[] = [];
    let matches = 0;
    for (let r = 0; r < options.rounds; r++) {
      let t = performance.now();
      JSON.parse(body.toString("utf8"));
      parseMs.push(performance.now() - t);
      t = performance.now();
      const report = await runCheck(db, readLockfile(body), { organization: null }, { clock });
      checkMs.push(performance.now() - t);
      matches = report.matches.length;
    }
    const check = median(checkMs);
    const parse = median(parseMs);
    return {
      name: `lockfile check (${engine.engine})`,
      ratio: check / parse,
      target: 3,
      lines: [
        `lockfile check on ${engine.engine}: ${options.packages} packages (${(body.length / 1e6).toFixed(1)} MB) against ${options.works} works → ${matches} matches; median of ${options.rounds}`,
        `  server-side check  ${check.toFixed(1).padStart(7)} ms   (read, normalise, match, price)`,
        `  bare JSON.parse    ${parse.toFixed(1).padStart(7)} ms`,
        `  ratio              ${(check / parse).toFixed(2).padStart(7)} ×    (target < 3×)`,
      ],
    };
  } finally {
    await database.close();
  }
}
