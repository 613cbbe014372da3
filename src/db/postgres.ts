// PostgreSQL through node-postgres: a pool, migrations applied under an advisory lock so that several
// instances starting together migrate once.
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import * as schema from "./schema.js";
import type { Db } from "./handle.js";

/** An arbitrary, fixed advisory-lock key: "reciprocity migrations". */
const MIGRATION_LOCK = 7_263_011;

export async function openPostgres(
  url: string,
  options: { migrate: boolean; migrationsFolder: string; poolSize?: number },
): Promise<{ db: Db; close(): Promise<void> }> {
  // allowExitOnIdle: idle connections do not keep a finished CLI command or test worker alive.
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, application_name: "reciprocity", allowExitOnIdle: true });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const db = drizzle({ client: pool, schema });
  if (options.migrate) {
    const lock = await pool.connect();
    try {
      await lock.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
      await migrate(db, { migrationsFolder: options.migrationsFolder });
    } finally {
      await lock.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
      lock.release();
    }
  }
  return { db, close: () => pool.end() };
}
