// The whole suite runs twice: on SQLite and on PostgreSQL (a throwaway server unless TEST_DATABASE_URL is set).
// `npm test -- --project sqlite` runs one engine.
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Files about the templates, not the engine, run on SQLite only. The page sweep renders every page for each user
 * group, seeded through the same domain commands on either engine: what it checks (width, axe) is the HTML.
 */
const SQLITE_ONLY = ["test/web/pages.test.ts"];

const shared = {
  include: ["test/**/*.test.ts"],
  globalSetup: ["test/support/global-setup.ts"],
  setupFiles: ["test/support/setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: "forks" as const,
  // Module loading was a third of the suite's time (each of the 146 files imported the app afresh): a worker's
  // files share one module graph. Nothing a test checks lives in module state (the harness builds a new app,
  // database and clock per test; setup.ts runs again per file).
  isolate: false,
  // Vitest's default is one worker less than the CPUs: one on a 2-core machine. Two keep both cores busy.
  maxWorkers: 2,
};

export default defineConfig({
  test: {
    // CI fails on any test that did not run (test/support/no-skips-in-ci.ts).
    reporters: ["default", "./test/support/no-skips-in-ci.ts"],
    projects: [
      { test: { ...shared, name: "sqlite", env: { TZ: "UTC", TEST_ENGINE: "sqlite" } } },
      {
        test: {
          ...shared,
          name: "postgres",
          exclude: [...configDefaults.exclude, ...SQLITE_ONLY],
          env: { TZ: "UTC", TEST_ENGINE: "postgres" },
        },
      },
    ],
  },
});
