// Seeding and engines shared by the benchmarks: a fresh database per round on either engine, filled through
// chunked multi-row inserts in one transaction (no domain rules to wait for).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database, type Db, type Engine } from "../src/db/client.js";
import { organizations, users, workPackages, works } from "../src/db/schema.js";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../test/support/throwaway-postgres.js";

export const BENCH_NOW = "2026-01-01T00:00:00.000Z";

/** Rows per multi-row insert: well under both engines' limits on bound parameters. */
export async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>, size = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/** A treasurer (user 1), a licensor (organization 1) and `count` works with ids 1..count. */
export async function seedWorks(tx: Db, count: number, withPackages = false): Promise<void> {
  await tx.insert(users).values({ email: "bench@example.org", name: "Bench", isTreasurer: true, createdAt: BENCH_NOW });
  await tx.insert(organizations).values({ name: "Commons", kind: "nonprofit", createdAt: BENCH_NOW });
  const rows = Array.from({ length: count }, (_, i) => ({
    slug: `work-${i}`,
    title: `Work ${i}`,
    licensorOrganizationId: 1,
    // Verified: only verified works are billed and priced.
    verification: "verified" as const,
    licenseState: "unknown" as const,
    registeredBy: 1,
    createdAt: BENCH_NOW,
    updatedAt: BENCH_NOW,
  }));
  await insertChunked(rows, (chunk) => tx.insert(works).values(chunk));
  if (withPackages)
    await insertChunked(
      rows.map((_, i) => ({ workId: i + 1, purl: `pkg:npm/commons-pkg-${i}`, type: "npm", namespace: null, name: `commons-pkg-${i}` })),
      (chunk) => tx.insert(workPackages).values(chunk),
    );
}

/** Fresh databases of one engine for the rounds of a benchmark. */
export class BenchEngine {
  private constructor(
    readonly engine: Engine,
    private readonly server: ThrowawayPostgres | undefined,
    private readonly dir: string,
  ) {}

  static async start(engine: Engine): Promise<BenchEngine> {
    const dir = mkdtempSync(join(tmpdir(), "reciprocity-bench-"));
    const given = process.env.BENCH_DATABASE_URL;
    const server = engine === "postgres" && !given ? await startThrowawayPostgres({ durable: true }) : undefined;
    return new BenchEngine(engine, server, dir);
  }

  private counter = 0;

  /** A new, migrated database; `location` says where, for a bare connection beside it. */
  async fresh(): Promise<{ database: Database; location: { url?: string; path: string } }> {
    this.counter += 1;
    const path = join(this.dir, `bench-${this.counter}.sqlite`);
    if (this.engine === "sqlite") return { database: await openDatabase({ path }), location: { path } };
    const admin = process.env.BENCH_DATABASE_URL ?? this.server!.url;
    const name = `bench_${process.pid}_${this.counter}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`drop database if exists ${name}`);
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return { database: await openDatabase({ url: url.href, path }), location: { url: url.href, path } };
  }

  stop(): void {
    this.server?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
