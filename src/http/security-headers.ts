// helmet's headers, worked out once at start: with fixed options helmet sets the same dozen headers on every
// response, one small middleware at a time; here they are written by one loop over the list it produced.
import type { RequestHandler } from "express";
import helmet, { type HelmetOptions } from "helmet";

/** The headers helmet sets (and removes) with these options, as it sets them on a response. */
export function helmetHeaders(options: HelmetOptions): { set: [string, string][]; removed: string[] } {
  const set = new Map<string, string>();
  const removed: string[] = [];
  const response = {
    setHeader(name: string, value: string) {
      set.set(name, value);
    },
    removeHeader(name: string) {
      set.delete(name);
      removed.push(name);
    },
  };
  let finished = false;
  helmet(options)({} as never, response as never, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error("helmet refused its options", { cause: error });
    finished = true;
  });
  // Every helmet middleware is synchronous: one that was not would be missed here, so refuse it.
  if (!finished) throw new Error("helmet did not finish synchronously; its headers cannot be fixed at start");
  return { set: [...set], removed };
}

/** helmet's headers with these options as `writeHead` takes them: name, value, name, value … */
export function securityHead(options: HelmetOptions): string[] {
  return helmetHeaders(options).set.flat();
}

export function securityHeaders(options: HelmetOptions): RequestHandler {
  const { set, removed } = helmetHeaders(options);
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    next();
  };
}
