// One log line per request, as pino-http wrote it (`req`, `res`, `responseTime`, "request completed"), without
// its per-request child loggers and listeners: the line is built once when the response closes, and the
// request's own logger (for errors, `loggerOf`) is made only when something asks for it.
import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { randomUUID } from "node:crypto";

const REQUEST_ID = /^[\w.-]{1,100}$/;
const LOGGED = Symbol("request log");

interface Logged {
  logger: Logger;
  /** What the log says of the request: never its headers (Authorization, cookies). */
  described: { id: string; method: string; url: string };
  child?: Logger;
}

/** The logger bound to this request (`req: {id, method, url}`), or undefined where no request log runs. */
export function loggerOf(req: Request): Logger | undefined {
  const logged = (req as unknown as { [LOGGED]?: Logged })[LOGGED];
  if (!logged) return undefined;
  return (logged.child ??= logged.logger.child({ req: logged.described }));
}

/**
 * Starts the request's log: its id (the client's `X-Request-Id` when it looks like one), the logger errors
 * use, and the line written once the response closes. Answers the id, for the `X-Request-Id` header.
 */
export function logRequest(logger: Logger, req: Request, res: Response): string {
  const given = req.headers["x-request-id"];
  const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
  const logged: Logged = { logger, described: { id, method: req.method, url: req.url } };
  (req as unknown as { [LOGGED]: Logged })[LOGGED] = logged;
  const started = Date.now();
  // A response emits `close` once, whether it finished or the client went away first.
  res.once("close", () => {
    const line = { req: logged.described, res: { statusCode: res.statusCode }, responseTime: Date.now() - started };
    if (res.statusCode >= 500) logger.info({ ...line, err: new Error(`failed with status code ${res.statusCode}`) }, "request errored");
    else logger.info(line, "request completed");
  });
  return id;
}

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    res.setHeader("X-Request-Id", logRequest(logger, req, res));
    next();
  };
}
