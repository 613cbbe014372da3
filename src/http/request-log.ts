// One log line per request, as pino-http wrote it (`req`, `res`, `responseTime`, "request completed"), without
// its per-request child loggers: the line is built once when the response is done, and `req.log` (the request's
// logger, for errors) is made only when something asks for it.
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { randomUUID } from "node:crypto";

declare module "http" {
  interface IncomingMessage {
    /** The request id: the client's `X-Request-Id` when it looks like one, else a new UUID. */
    id: string;
    /** The logger bound to this request (`req: {id, method, url}`), made on first use. */
    log: Logger;
  }
}

const REQUEST_ID = /^[\w.-]{1,100}$/;

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers["x-request-id"];
    const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader("X-Request-Id", id);
    req.id = id;
    // Authorization headers and cookies never reach the log: only the id, method and URL do.
    const described = { id, method: req.method, url: req.url };
    let child: Logger | undefined;
    Object.defineProperty(req, "log", {
      configurable: true,
      get: () => (child ??= logger.child({ req: described })),
    });
    const started = Date.now();
    let logged = false;
    const done = (error?: Error) => {
      if (logged) return;
      logged = true;
      res.removeListener("finish", done);
      res.removeListener("close", done);
      res.removeListener("error", done);
      const responseTime = Date.now() - started;
      const line = { req: described, res: { statusCode: res.statusCode }, responseTime };
      if (error || res.statusCode >= 500) {
        const err = error ?? new Error(`failed with status code ${res.statusCode}`);
        logger.info({ ...line, err }, "request errored");
      } else logger.info(line, "request completed");
    };
    res.on("finish", done);
    res.on("close", done);
    res.on("error", done);
    next();
  };
}
