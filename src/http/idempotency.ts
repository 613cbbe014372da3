// The Idempotency-Key header of a command, and the header saying a response replays the first one.
import type { Request, Response } from "express";
import { AppError } from "../shared/errors.js";

export function idempotencyKeyOf(req: Request): string {
  const key = req.get("idempotency-key");
  if (!key || key.length > 200) throw new AppError("bad_request", "An Idempotency-Key header (1 to 200 characters) is required.");
  return key;
}

export function markReplayed(res: Response, replayed: boolean): void {
  if (replayed) res.set("Idempotent-Replayed", "true");
}
