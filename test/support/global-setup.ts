// One migrated base database per test run; every test copies it (fast, isolated, real SQLite).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/client.js";

declare module "vitest" {
  export interface ProvidedContext {
    baseDbPath: string;
    tmpRoot: string;
  }
}

export default function setup(project: TestProject) {
  const tmpRoot = mkdtempSync(join(tmpdir(), "reciprocity-test-"));
  const baseDbPath = join(tmpRoot, "base.sqlite");
  const db = openDatabase(baseDbPath);
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.pragma("journal_mode = DELETE");
  db.$client.close();
  project.provide("baseDbPath", baseDbPath);
  project.provide("tmpRoot", tmpRoot);
  return () => rmSync(tmpRoot, { recursive: true, force: true });
}
