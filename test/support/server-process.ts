// The real server, as `npm start` runs it, in a child process on a free port.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { freePort } from "./ports.js";

export const root = join(import.meta.dirname, "../..");

export async function waitFor(url: string, timeoutMs: number): Promise<Response> {
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

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `reciprocity serve` with these settings (on top of the environment) and waits for /healthz. A port
 * taken meanwhile by something outside this run (the child exits with EADDRINUSE) is drawn again.
 */
export async function startServerProcess(env: Record<string, string | undefined>): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env, await freePort());
    } catch (error) {
      if (attempt >= 3 || !(error instanceof Error) || !error.message.includes("EADDRINUSE")) throw error;
    }
  }
}

async function startOnce(env: Record<string, string | undefined>, port: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(root, "bin/reciprocity.js"), "serve"], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "warn", ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const health = await Promise.race([
      waitFor(`${url}/healthz`, 30_000),
      exited.then(() => {
        throw new Error(`the server exited before answering: ${stderr}`);
      }),
    ]);
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}: ${stderr}`);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    url,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
