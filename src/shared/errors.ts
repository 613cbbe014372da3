// One error type for everything a client can cause, and the one table that maps its codes to
// HTTP statuses. Programmer errors are plain `Error`s and become a generic 500.

export const ERROR_STATUS = {
  malformed_json: 400,
  bad_request: 400,
  /** A list's `?cursor=` that the list did not give out (or that names an item no longer in it). */
  invalid_cursor: 400,
  unauthenticated: 401,
  invalid_signature: 401,
  forbidden: 403,
  github_permission_denied: 403,
  github_token_invalid: 403,
  not_found: 404,
  not_acceptable: 406,
  conflict: 409,
  email_taken: 409,
  already_member: 409,
  duplicate_work: 409,
  purl_taken: 409,
  idempotency_conflict: 409,
  fee_schedule_in_use: 409,
  invalid_state: 409,
  /** A signed webhook body that was already delivered under another delivery id. */
  webhook_replayed: 409,
  payload_too_large: 413,
  /** A check's file lists more entries than one check reads. */
  too_many_entries: 413,
  unsupported_media_type: 415,
  unsupported_lockfile: 415,
  validation_failed: 422,
  /** A billing run for a month that has not ended (UTC). */
  month_not_over: 422,
  /** A fee schedule version or exchange rate would take effect in a month already billed. */
  month_already_billed: 422,
  /** Annual revenue in another currency than the fee schedule's, with no exchange rate recorded. */
  exchange_rate_missing: 422,
  /** Annual revenue declared in another currency than the fee schedule's, with no exchange rate recorded. */
  revenue_currency_mismatch: 422,
  overpayment: 422,
  /** A refund larger than what is still due back to the buyer. */
  refund_exceeds_due: 422,
  /** A check's file nests deeper than its limit. */
  nesting_too_deep: 422,
  /** Reading a check's file took longer than its limit. */
  parse_timeout: 422,
  rate_limited: 429,
  /** A client has as many checks in flight as it may. */
  too_many_concurrent_checks: 429,
  github_unavailable: 502,
  github_rate_limited: 503,
  /** The check workers' queue is full. */
  checks_busy: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, detail: string, options: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(detail, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.errors = options.errors;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Crash on a broken invariant: this is a bug, not bad input. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
