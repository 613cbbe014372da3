// One migrated base database per engine and test run; every test gets its own copy of it (a copied SQLite
// file, or a PostgreSQL database created from a template): fast, isolated, real.
// The vitest project's name (sqlite or postgres) picks the engine. For PostgreSQL, TEST_DATABASE_URL (or DATABASE_URL)
// names a server whose superuser may create databases; without one a throwaway server per vitest worker is started
// here. A server each: what a test sees of its server (the response cache's data version is PostgreSQL's snapshot,
// which any commit in any database of the server moves) is not disturbed by the files another worker runs.
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
    /** PostgreSQL: the servers' admin URLs (one per worker, or the one given) and the migrated template's name. */
    pgAdminUrls: string[];
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

/** The template database on the server at `adminUrl`, created afresh and migrated. */
async function migratedTemplate(adminUrl: string): Promise<void> {
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${PG_TEMPLATE}`;
  await adminQuery(adminUrl, `drop database if exists ${PG_TEMPLATE}`);
  await adminQuery(adminUrl, `create database ${PG_TEMPLATE}`);
  const base = await openDatabase({ url: templateUrl.href, path: "" });
  await base.close();
}

export default async function setup(project: TestProject) {
  const engine = project.name === "postgres" ? "postgres" : "sqlite";
  const tmpRoot = mkdtempSync(join(tmpdir(), `reciprocity-test-${engine}-`));
  project.provide("engine", engine);
  project.provide("tmpRoot", tmpRoot);
  const servers: ThrowawayPostgres[] = [];
  if (engine === "sqlite") {
    const baseDbPath = join(tmpRoot, "base.sqlite");
    const base = await openDatabase({ path: baseDbPath });
    await base.close();
    project.provide("baseDbPath", baseDbPath);
    project.provide("pgAdminUrls", []);
    project.provide("pgTemplate", "");
  } else {
    const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
    const workers = Math.max(1, Number(project.config.maxWorkers) || 1);
    // One after the other: each picks a free port, and two at once could pick the same one.
    if (!given) for (let i = 0; i < workers; i++) servers.push(await startThrowawayPostgres());
    const adminUrls = given ? [given] : servers.map((s) => s.url);
    await Promise.all(adminUrls.map((url) => migratedTemplate(url)));
    project.provide("baseDbPath", "");
    project.provide("pgAdminUrls", adminUrls);
    project.provide("pgTemplate", PG_TEMPLATE);
  }
  return () => {
    for (const server of servers) server.stop();
    rmSync(tmpRoot, { recursive: true, force: true });
  };
}
