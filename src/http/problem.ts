// The one place where errors become HTTP: RFC 9457 problem+json with a stable `code`.
import { loggerOf } from "./request-log.js";
import { randomUUID } from "node:crypto";
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { isUniqueViolation } from "../db/sql.js";
import { AppError, type ErrorCode, type FieldError } from "../shared/errors.js";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  instance?: string;
  errorId?: string;
}

export function problemFor(error: AppError, instance?: string): Problem {
  const status = error.status;
  return {
    type: `https://reciprocity.commune/problems/${error.code.replaceAll("_", "-")}`,
    title: TITLES[status] ?? "Error",
    status,
    detail: error.message,
    code: error.code,
    ...(error.errors ? { errors: error.errors } : {}),
    ...(instance ? { instance } : {}),
  };
}

/** Translates what body-parser and friends (and the database) throw into AppErrors. */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  // A unique key refused a row that a concurrent request created first (on either engine): the
  // request conflicts with the current state, it is not a server fault.
  if (isUniqueViolation(err)) {
    return new AppError("conflict", "The request conflicts with a change made at the same time. Reload and try again.", { cause: err });
  }
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { type?: string; status?: number; message?: string; limit?: number };
  switch (e.type) {
    case "entity.parse.failed":
      return new AppError("malformed_json", "The request body is not valid JSON.");
    case "entity.too.large":
      return new AppError("payload_too_large", `The request body is larger than the limit of ${e.limit ?? "?"} bytes.`);
    case "encoding.unsupported":
      return new AppError("unsupported_media_type", "The request body's content encoding is not supported.");
    case "charset.unsupported":
      return new AppError("unsupported_media_type", "The request body's charset is not supported.");
    case "request.aborted":
    case "stream.encoding.set":
    case "request.size.invalid":
      return new AppError("bad_request", e.message ?? "The request body could not be read.");
    default:
      // Other client errors raised while reading a body (e.g. a corrupt gzip stream).
      if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
        return new AppError(
          e.status === 413 ? "payload_too_large" : e.status === 415 ? "unsupported_media_type" : "bad_request",
          `The request body could not be read: ${e.message ?? "error"}.`,
        );
      }
      return undefined;
  }
}

export type ProblemRenderer = (req: Request, res: Response, problem: Problem) => void;

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type("application/problem+json").send(JSON.stringify(problem));
}

/**
 * The error handler. `renderPage` lets the web layer show an HTML error page for browser
 * routes; everything else gets problem+json.
 */
export function errorHandler(renderPage?: ProblemRenderer): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    let appError = toAppError(err);
    let problem: Problem;
    if (appError) {
      problem = problemFor(appError, req.originalUrl);
      if (appError.headers) res.set(appError.headers);
      if (appError.status >= 500) loggerOf(req)?.warn({ err, code: appError.code }, "upstream failure");
    } else {
      const errorId = randomUUID();
      loggerOf(req)?.error({ err, errorId }, "unhandled error");
      appError = new AppError("internal", `An unexpected error occurred. Quote error id ${errorId} when reporting it.`);
      problem = { ...problemFor(appError, req.originalUrl), errorId };
    }
    if (renderPage && wantsHtml(req)) renderPage(req, res, problem);
    else sendProblem(res, problem);
  };
}

function wantsHtml(req: Request): boolean {
  return !req.path.startsWith("/api/") && !req.path.startsWith("/webhooks/") && req.accepts(["json", "html"]) === "html";
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError("not_found", `No resource at ${req.method} ${req.path}.`));
};
