// The limits on one check, and the errors that name them. A check's file is read in a child process
// (parse-pool.ts) under limits on its entries, its nesting and its parse time; each client address has
// a bounded number of checks in flight, and the pool a bounded queue.
import { AppError, type ErrorCode } from "../shared/errors.js";

/** Entries (components and unidentified entries) one file may list. */
export const MAX_ENTRIES = 200_000;
/**
 * Nesting of arrays and objects in the parsed document. Every format is held to it (JSON before it is
 * parsed, YAML and yarn documents once they are); a real lockfile or SBOM stays under a hundred levels.
 */
export const MAX_NESTING = 16_384;
/** Reading one file in the worker, from when the worker starts on it. */
export const PARSE_TIMEOUT_MS = 10_000;
/** How long a file may wait for a free worker before the check is refused as busy. */
export const QUEUE_TIMEOUT_MS = 30_000;
/** Checks one client address may have in flight at once. */
export const MAX_CHECKS_PER_CLIENT = 2;

/** The codes of the check limits (their statuses are in the one code table, src/shared/errors.ts). */
export const CHECK_LIMIT_CODES = [
  "too_many_entries",
  "nesting_too_deep",
  "parse_timeout",
  "too_many_concurrent_checks",
  "checks_busy",
] as const satisfies readonly ErrorCode[];

export type CheckLimitCode = (typeof CHECK_LIMIT_CODES)[number];

/** An AppError whose code names the limit that was reached (e.g. `too_many_entries`). */
export class CheckLimitError extends AppError {
  constructor(code: CheckLimitCode, detail: string, options: { headers?: Record<string, string>; cause?: unknown } = {}) {
    super(code, detail, options);
  }
}

export const isCheckLimitCode = (code: string): code is CheckLimitCode => (CHECK_LIMIT_CODES as readonly string[]).includes(code);

export const tooManyEntries = () =>
  new CheckLimitError("too_many_entries", `The file lists more than ${MAX_ENTRIES.toLocaleString("en")} entries (the limit per check).`);

export const nestingTooDeep = () =>
  new CheckLimitError("nesting_too_deep", `The file nests deeper than ${MAX_NESTING.toLocaleString("en")} levels (the limit per check).`);

export const parseTimeout = (ms: number) =>
  new CheckLimitError("parse_timeout", `Reading the file took longer than ${ms / 1000} s (the limit per check); it was stopped.`);

export const checksBusy = (why: string) =>
  new CheckLimitError("checks_busy", `The server is reading too many files at once (${why}); try again in a minute.`, {
    headers: { "Retry-After": "60" },
  });
