import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import express, { type Express } from "express";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { githubWebHost } from "../works/parse-repository.js";
import { handleWebhook } from "./handle-webhook.js";

/** GitHub caps deliveries at 25 MB; the events we read are far smaller. */
export const WEBHOOK_BODY_LIMIT = "5mb";

/**
 * GitHub's `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw body bytes, as received
 * (never of a decoded and re-encoded string, which would differ for bytes that are not UTF-8).
 */
export function webhookSignatureValid(secret: string, body: Buffer, signature: string): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (!m) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(m[1]!, "hex"));
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function registerWebhookRoutes(app: Express, deps: AppDeps): void {
  const secret = deps.config.GITHUB_WEBHOOK_SECRET;
  app.post("/webhooks/github", express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const signature = req.get("x-hub-signature-256");
    if (!secret) throw new AppError("invalid_signature", "Webhooks are not configured on this server (GITHUB_WEBHOOK_SECRET is unset).");
    if (!signature) throw new AppError("invalid_signature", "The X-Hub-Signature-256 header is missing.");
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!webhookSignatureValid(secret, body, signature))
      throw new AppError("invalid_signature", "The webhook signature does not match the payload.");
    const deliveryId = req.get("x-github-delivery");
    const event = req.get("x-github-event");
    if (!deliveryId || !event || deliveryId.length > 200 || event.length > 100)
      throw new AppError("bad_request", "X-GitHub-Delivery and X-GitHub-Event headers are required.");
    let payload: unknown;
    try {
      payload = JSON.parse(utf8.decode(body));
    } catch {
      throw new AppError("malformed_json", "The webhook payload is not valid UTF-8 JSON.");
    }
    if (typeof payload !== "object" || payload === null || Array.isArray(payload))
      throw new AppError("bad_request", "The webhook payload must be a JSON object.");
    const bodySha256 = createHash("sha256").update(body).digest("hex");
    const outcome = await handleWebhook(
      deps.db,
      { id: deliveryId, bodySha256, event, payload },
      { clock: deps.clock, github: deps.github, githubWebHost: githubWebHost(deps.config.GITHUB_API_URL) },
    );
    res.status(outcome === "duplicate" ? 200 : 202).json({ deliveryId, outcome });
  });
}
