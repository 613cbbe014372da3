// The whole suite runs twice: on SQLite and on PostgreSQL (a throwaway server unless TEST_DATABASE_URL is set).
// `npm test -- --project sqlite` runs one engine.
import { defineConfig } from "vitest/config";

const shared = {
  include: ["test/**/*.test.ts"],
  globalSetup: ["test/support/global-setup.ts"],
  setupFiles: ["test/support/setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: "forks" as const,
};

export default defineConfig({
  test: {
    // CI fails on any test that did not run (test/support/no-skips-in-ci.ts).
    reporters: ["default", "./test/support/no-skips-in-ci.ts"],
    projects: [
      { test: { ...shared, name: "sqlite", env: { TZ: "UTC", TEST_ENGINE: "sqlite" } } },
      { test: { ...shared, name: "postgres", env: { TZ: "UTC", TEST_ENGINE: "postgres" } } },
    ],
  },
});
