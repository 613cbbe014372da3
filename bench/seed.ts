// Seeding shared by the benchmarks: raw inserts, one transaction, no domain rules to wait for.
import type { Db } from "../src/db/client.js";

export const BENCH_NOW = "2026-01-01T00:00:00.000Z";

/** A treasurer (user 1), a licensor (organization 1) and `count` works; calls `each` per work id. */
export function seedWorks(db: Db, count: number, each?: (workId: number, index: number) => void): void {
  const c = db.$client;
  c.prepare("insert into users (email, name, is_treasurer, created_at) values ('bench@example.org', 'Bench', 1, ?)").run(BENCH_NOW);
  c.prepare("insert into organizations (name, kind, created_at) values ('Commons', 'nonprofit', ?)").run(BENCH_NOW);
  const work = c.prepare(
    "insert into works (slug, title, licensor_organization_id, verification, license_state, registered_by, created_at, updated_at) values (?, ?, 1, 'unverified', 'unknown', 1, ?, ?)",
  );
  for (let i = 0; i < count; i++) {
    const id = Number(work.run(`work-${i}`, `Work ${i}`, BENCH_NOW, BENCH_NOW).lastInsertRowid);
    each?.(id, i);
  }
}
