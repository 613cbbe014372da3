// `GET /healthz`: liveness with a database read made after the request arrived. Asked every few seconds by
// every probe, so it is answered like a cached read: its head (the security headers, its request id) written
// in one call, its log line kept, none of the per-header middleware on the way.
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { logRequest } from "./request-log.js";

const HEALTHY = Buffer.from(JSON.stringify({ status: "ok" }));

/**
 * `readDatabase` is a read of the database (its data version); `securityHead` the security headers as
 * `writeHead` takes them. A failed read goes on to the error handler with the same headers set.
 */
export function healthCheck(readDatabase: () => Promise<unknown>, logger: Logger, securityHead: readonly string[]): RequestHandler {
  return async (req, res) => {
    const head = [...securityHead, "X-Request-Id", logRequest(logger, req, res)];
    try {
      await readDatabase();
    } catch (error) {
      for (let i = 0; i < head.length; i += 2) res.setHeader(head[i]!, head[i + 1]!);
      throw error;
    }
    res.writeHead(200, [
      ...head,
      "Content-Type",
      "application/json; charset=utf-8",
      "Cache-Control",
      "no-store",
      "Content-Length",
      String(HEALTHY.length),
    ]);
    res.end(HEALTHY);
  };
}
