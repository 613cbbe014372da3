// One-time notices after a form post (POST/redirect/GET). The notice is kept in the database, keyed by
// the hash of a random cookie value, and deleted by the page that shows it: a reload shows nothing,
// and no text travels in the address (where anyone could write a link that "confirms" something).
import { randomBytes } from "node:crypto";
import type { RequestHandler, Response } from "express";
import { eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { webNotices } from "../db/schema.js";
import type { Clock } from "../shared/clock.js";
import { sha256Hex } from "../accounts/tokens.js";

export const NOTICE_COOKIE = "rcp_notice";
const NOTICE_MINUTES = 10;

const noticeSchema = z.object({
  kind: z.enum(["success", "error"]),
  message: z.string(),
  /** Field errors of a refused form, with the form's name so its page can mark the fields. */
  form: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  values: z.record(z.string(), z.string()).optional(),
});
export type Notice = z.infer<typeof noticeSchema>;

interface NoticeLocals {
  notice?: Notice | null;
  saveNotice?: (notice: Notice) => Promise<void>;
}

const locals = (res: Response) => res.locals as NoticeLocals;

/** The notice waiting for this page (already deleted), or null. */
export const noticeOf = (res: Response): Notice | null => locals(res).notice ?? null;

/** Keeps a notice for the next page this browser loads. */
export async function keepNotice(res: Response, notice: Notice): Promise<void> {
  const save = locals(res).saveNotice;
  if (!save) throw new Error("the notices middleware is not installed");
  await save(notice);
}

/** Installs `keepNotice` and, on page loads, takes the waiting notice out of the database. */
export function notices(db: Db, clock: Clock, secure: boolean): RequestHandler {
  return async (req, res, next) => {
    locals(res).saveNotice = async (notice) => {
      const secret = randomBytes(24).toString("base64url");
      const now = clock.now();
      await db.transaction(async (tx) => {
        await tx.delete(webNotices).where(lt(webNotices.expiresAt, now.toISOString()));
        await tx.insert(webNotices).values({
          idHash: sha256Hex(secret),
          payload: JSON.stringify(noticeSchema.parse(notice)),
          createdAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + NOTICE_MINUTES * 60_000).toISOString(),
        });
      });
      res.cookie(NOTICE_COOKIE, secret, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: NOTICE_MINUTES * 60_000 });
    };
    const secret = (req.cookies as Record<string, string | undefined> | undefined)?.[NOTICE_COOKIE];
    if (req.method === "GET" && secret) {
      res.clearCookie(NOTICE_COOKIE, { path: "/" });
      locals(res).notice = secret.length <= 100 ? await takeNotice(db, secret, clock) : null;
    }
    next();
  };
}

async function takeNotice(db: Db, secret: string, clock: Clock): Promise<Notice | null> {
  const rows = await db.transaction(async (tx) =>
    tx
      .delete(webNotices)
      .where(eq(webNotices.idHash, sha256Hex(secret)))
      .returning({ payload: webNotices.payload, expiresAt: webNotices.expiresAt }),
  );
  const row = rows[0];
  if (!row || row.expiresAt < clock.now().toISOString()) return null;
  const parsed = noticeSchema.safeParse(JSON.parse(row.payload));
  return parsed.success ? parsed.data : null;
}
