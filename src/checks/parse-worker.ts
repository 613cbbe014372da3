// The worker thread of the check parse pool (parse-pool.ts). A worker thread starts without the loaders of the
// thread that made it (under vitest, none at all). The readers are TypeScript that Node runs as is (its type
// stripping: no enums, no parameter properties, `import type` for types), so this module only maps their `.js`
// import specifiers to the `.ts` files beside them, with a synchronous hook in this thread. Not tsx: a worker
// without it starts faster and its thread keeps about 10 MB less resident memory in the server after it stops.
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";

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

export default readForCheck;
