// The child process of the check parse pool (parse-pool.ts): it reads one file at a time, sent over its IPC
// channel, and answers with the packed read. A process of its own, not a thread: the memory a large file took
// is given back to the operating system when the process exits (a stopped worker thread left 20–30 MB resident
// in the server), and a hostile file can at worst crash or exhaust this process, not the server.
// The readers are TypeScript that Node runs as is (its type stripping: no enums, no parameter properties,
// `import type` for types), so this module only maps their `.js` import specifiers to the `.ts` files beside
// them, with a synchronous resolve hook: no tsx, so the process starts fast.
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";
import type { ReadTask } from "./readers/read-for-check.js";

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.startsWith("file:")) {
      const source = new URL(specifier.replace(/\.js$/, ".ts"), context.parentURL);
      if (existsSync(fileURLToPath(source))) return nextResolve(source.href, context);
    }
    return nextResolve(specifier, context);
  },
});
const { readForCheck } = await import("./readers/read-for-check.js");

process.on("message", (task: ReadTask) => {
  let reply;
  try {
    reply = { outcome: readForCheck(task) };
  } catch (err) {
    // Not a reader's AppError: a bug, answered as such (the server's 500), and the process goes on.
    reply = { failed: err instanceof Error ? err.message : String(err) };
  }
  process.send!(reply);
});
// The server went away (or stopped this process as idle): nothing is left to do.
process.on("disconnect", () => process.exit(0));
process.send!({ ready: true });
