import express, { type Express } from "express";
import { Webhooks } from "@octokit/webhooks";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { githubWebHost } from "../works/parse-repository.js";
import { handleWebhook } from "./handle-webhook.js";

/** GitHub caps deliveries at 25 MB; the events we read are far smaller. */
export const WEBHOOK_BODY_LIMIT = "5mb";

export function registerWebhookRoutes(app: Express, deps: AppDeps): void {
  const secret = deps.config.GITHUB_WEBHOOK_SECRET;
  const verifier = secret ? new Webhooks({ secret }) : null;
  app.post("/webhooks/github", express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const signature = req.get("x-hub-signature-256");
    if (!verifier) throw new AppError("invalid_signature", "Webhooks are not configured on this server (GITHUB_WEBHOOK_SECRET is unset).");
    if (!signature) throw new AppError("invalid_signature", "The X-Hub-Signature-256 header is missing.");
    const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    const valid = await verifier.verify(raw, signature).catch(() => false);
    if (!valid) throw new AppError("invalid_signature", "The webhook signature does not match the payload.");
    const deliveryId = req.get("x-github-delivery");
    const event = req.get("x-github-event");
    if (!deliveryId || !event) throw new AppError("bad_request", "X-GitHub-Delivery and X-GitHub-Event headers are required.");
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      throw new AppError("malformed_json", "The webhook payload is not valid JSON.");
    }
    if (typeof payload !== "object" || payload === null) throw new AppError("bad_request", "The webhook payload must be a JSON object.");
    const outcome = await handleWebhook(
      deps.db,
      { id: deliveryId, event, payload },
      { clock: deps.clock, github: deps.github, githubWebHost: githubWebHost(deps.config.GITHUB_API_URL) },
    );
    res.status(outcome === "duplicate" ? 200 : 202).json({ deliveryId, outcome });
  });
}
