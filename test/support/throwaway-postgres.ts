// A throwaway PostgreSQL server for the suite and the bench: Debian's binaries, `initdb` into a temp
// folder, `pg_ctl` on a free loopback port, stopped and removed at the end. PostgreSQL refuses to run
// as root, so as root the cluster belongs to the `postgres` system user (made by Debian's package).
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "./ports.js";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export interface ThrowawayPostgres {
  /** `postgres://…/postgres` of the superuser. */
  url: string;
  urlFor(database: string): string;
  stop(): void;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, "bin", "initdb"))) return join(root, v, "bin");
  throw new Error("PostgreSQL is not installed: run scripts/install-system-deps.sh (Debian's postgresql package)");
}

/** `durable`: keep fsync and synchronous commits on (benchmarks); tests turn them off for speed. */
export async function startThrowawayPostgres(options: { durable?: boolean } = {}): Promise<ThrowawayPostgres> {
  const bin = binDir();
  const root = mkdtempSync(join(tmpdir(), "reciprocity-pg-"));
  const data = join(root, "data");
  const asRoot = userInfo().uid === 0;
  let uid = userInfo().uid;
  let gid = userInfo().gid;
  if (asRoot) {
    uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chmodSync(root, 0o755);
    chownSync(root, uid, gid);
  }
  const run = (file: string, args: string[]) =>
    execFileSync(join(bin, file), args, { uid, gid, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", cwd: root });
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]);
  const port = await freePort();
  // Throwaway data: durability settings off for speed; enough connections for parallel test files.
  writeFileSync(
    join(data, "postgresql.auto.conf"),
    [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${root}'`,
      ...(options.durable ? [] : ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]),
      "max_connections = 300",
      "shared_buffers = 128MB",
      "",
    ].join("\n"),
  );
  if (asRoot) chownSync(join(data, "postgresql.auto.conf"), uid, gid);
  run("pg_ctl", ["-D", data, "-l", join(root, "server.log"), "-w", "-t", "60", "start"]);
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    url: urlFor("postgres"),
    urlFor,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
