// Ports for the servers the tests start in child processes (the real server, a throwaway PostgreSQL).
//
// A port found free by listening on port 0 is one the kernel may hand to the next listen(0) as soon as it is
// closed: another test file's in-process server could take it before the child binds it, and the test would
// then talk to that server. So these ports come from below the kernel's ephemeral range, which listen(0) and
// outgoing connections never use, and each vitest worker draws from a block of its own.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const BLOCK = 1_000;
const FIRST = 10_000;

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A port no other worker of this run draws and the kernel does not hand out; free when returned. */
export async function freePort(): Promise<number> {
  const blocks = Math.floor((ephemeralLow() - FIRST) / BLOCK);
  if (blocks < 1) throw new Error(`no room for test ports between ${FIRST} and the ephemeral range`);
  // More workers than blocks share them; the bind check and the child's EADDRINUSE retry cover that.
  const worker = (Number(process.env.VITEST_POOL_ID ?? 0) || 0) % blocks;
  const start = FIRST + worker * BLOCK;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = start + Math.floor(Math.random() * BLOCK);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${start}–${start + BLOCK - 1}`);
}
