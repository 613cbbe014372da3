// The real server process, as `npm start` runs it, on a free port.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/harness.js";
import { openDatabase } from "../../src/db/client.js";

const root = join(import.meta.dirname, "../..");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitFor(url: string, timeoutMs: number): Promise<Response> {
  const started = Date.now();
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() - started > timeoutMs) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe("the server process", () => {
  it("starts on PORT, migrates a new database, bootstraps the treasurer and answers /healthz", async () => {
    const port = await freePort();
    const dir = tempDir();
    const child = spawn(process.execPath, [join(root, "bin/reciprocity.js"), "serve"], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_PATH: join(dir, "db.sqlite"),
        SIGNING_KEY_PATH: join(dir, "key.pem"),
        LOG_LEVEL: "warn",
        BOOTSTRAP_TREASURER_EMAIL: "t@example.org",
        BOOTSTRAP_TREASURER_PASSWORD: "a long password",
        BOOTSTRAP_TREASURER_TOKEN: "rcp_process_test_token_123456",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    try {
      const health = await waitFor(`http://127.0.0.1:${port}/healthz`, 20_000);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/users/me`, {
        headers: { Authorization: "Bearer rcp_process_test_token_123456" },
      });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ email: "t@example.org", isTreasurer: true });
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    expect(stderr).toBe("");
  });

  it("exits non-zero with a clear message on a bad configuration value", () => {
    const result = spawnSync(process.execPath, [join(root, "bin/reciprocity.js"), "serve"], {
      cwd: root,
      env: { ...process.env, PORT: "not-a-port", DATABASE_PATH: join(tempDir(), "x.sqlite") },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Invalid configuration");
    expect(result.stderr).toContain("PORT");
  });

  it("reciprocity backup writes a consistent copy of the database", async () => {
    const dir = tempDir();
    const source = join(dir, "live.sqlite");
    const db = openDatabase(source);
    db.$client.prepare("insert into users (email, name, is_treasurer, created_at) values ('a@example.org', 'A', 1, 'now')").run();
    db.$client.close();
    const target = join(dir, "backup.sqlite");
    const result = spawnSync(process.execPath, [join(root, "bin/reciprocity.js"), "backup", target], {
      cwd: root,
      env: { ...process.env, DATABASE_PATH: source },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const copy = openDatabase(target, { migrate: false });
    expect(copy.$client.prepare("select email from users").all()).toEqual([{ email: "a@example.org" }]);
    copy.$client.close();
  });
});
