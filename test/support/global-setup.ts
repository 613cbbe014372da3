// One migrated base database per engine and test run; every test gets its own copy of it (a copied SQLite
// file, or a PostgreSQL database created from a template): fast, isolated, real.
// The vitest project's name (sqlite or postgres) picks the engine. For PostgreSQL, TEST_DATABASE_URL (or DATABASE_URL)
// names a server whose superuser may create databases; without one a throwaway server is started here.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/client.js";
import { startThrowawayPostgres, type ThrowawayPostgres } from "./throwaway-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    engine: "sqlite" | "postgres";
    baseDbPath: string;
    tmpRoot: string;
    /** PostgreSQL: the server's admin URL and the migrated template database's name. */
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

export const PG_TEMPLATE = "reciprocity_template";

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject) {
  const engine = project.name === "postgres" ? "postgres" : "sqlite";
  const tmpRoot = mkdtempSync(join(tmpdir(), `reciprocity-test-${engine}-`));
  project.provide("engine", engine);
  project.provide("tmpRoot", tmpRoot);
  let server: ThrowawayPostgres | undefined;
  if (engine === "sqlite") {
    const baseDbPath = join(tmpRoot, "base.sqlite");
    const base = await openDatabase({ path: baseDbPath });
    await base.close();
    project.provide("baseDbPath", baseDbPath);
    project.provide("pgAdminUrl", "");
    project.provide("pgTemplate", "");
  } else {
    const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
    if (!given) server = await startThrowawayPostgres();
    const adminUrl = given ?? server!.url;
    const templateUrl = new URL(adminUrl);
    templateUrl.pathname = `/${PG_TEMPLATE}`;
    await adminQuery(adminUrl, `drop database if exists ${PG_TEMPLATE}`);
    await adminQuery(adminUrl, `create database ${PG_TEMPLATE}`);
    const base = await openDatabase({ url: templateUrl.href, path: "" });
    await base.close();
    project.provide("baseDbPath", "");
    project.provide("pgAdminUrl", adminUrl);
    project.provide("pgTemplate", PG_TEMPLATE);
  }
  return () => {
    server?.stop();
    rmSync(tmpRoot, { recursive: true, force: true });
  };
}
