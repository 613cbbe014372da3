// Idempotency-Key semantics, written once for every command that takes a key (payments, refunds, bond
// subscriptions): the request's fields are hashed and stored with the row; the same key and the same
// body replay the first result, the same key with another body is refused.
import { createHash } from "node:crypto";
import { AppError } from "./errors.js";

/** SHA-256 of the request's fields, in a fixed order (JSON of an array: no key-order ambiguity). */
export function requestHashOf(fields: readonly (string | number | null)[]): string {
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}

/** The row stored under the key, if the request is the same one; else 409 `idempotency_conflict`. */
export function replayOf<T extends { requestHash: string }>(prior: T, requestHash: string): T {
  if (prior.requestHash !== requestHash)
    throw new AppError("idempotency_conflict", "This Idempotency-Key was used with a different request.");
  return prior;
}
