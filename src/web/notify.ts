// What the mails need from a web request: where links point, and the fund's payment details.
import type { Request } from "express";
import type { AppDeps } from "../deps.js";
import type { NotifyDeps } from "../mail/notifications.js";
import { publicBaseUrl } from "../config.js";

export const notifyDeps = (deps: AppDeps, _req: Request): NotifyDeps => notifyDepsOf(deps);

/** The same, where there is no page request (API routes, commands). */
export const notifyDepsOf = (deps: Pick<AppDeps, "db" | "mailer" | "config">): NotifyDeps => ({
  db: deps.db,
  mailer: deps.mailer,
  baseUrl: publicBaseUrl(deps.config),
  sellerIban: deps.config.SELLER_IBAN || undefined,
  sellerName: deps.config.SELLER_NAME,
});
