// One pagination scheme for every list: `?limit=` and an opaque `?cursor=`; the response names the next
// page's URL in `next` (null on the last page) and in a `Link: <…>; rel="next"` header. A cursor is the sort
// key of the last item shown (base64url JSON), so pages stay stable while rows are added.
import type { Request, Response } from "express";
import { z } from "zod";
import { AppError } from "../shared/errors.js";

export { cursorQuery, nextSchema } from "../shared/schemas.js";

export type CursorKey = (string | number)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** The sort key a cursor holds, checked against the shape the list sorts by; a bad cursor is a 422. */
export function decodeCursor<S extends z.ZodType<CursorKey>>(cursor: string | undefined, shape: S): z.output<S> | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    key = undefined;
  }
  const parsed = shape.safeParse(key);
  if (!parsed.success)
    throw new AppError("validation_failed", "The query string is not valid.", {
      errors: [{ path: "/query/cursor", message: "is not a cursor this list gave out" }],
    });
  return parsed.data;
}

/**
 * `rows` holds up to `limit + 1` items read after the cursor: the extra one only says there is a next page.
 * Sets the `Link` header and returns the page's items and its `next` URL (relative to `base`).
 */
export function pageOf<T>(
  req: Request,
  res: Response,
  base: string,
  rows: T[],
  limit: number,
  keyOf: (item: T) => CursorKey,
): { items: T[]; next: string | null } {
  const items = rows.slice(0, limit);
  if (rows.length <= limit || items.length === 0) return { items, next: null };
  const url = new URL(req.originalUrl, "http://x");
  url.searchParams.set("cursor", encodeCursor(keyOf(items[items.length - 1]!)));
  url.searchParams.set("limit", String(limit));
  const next = `${base}${url.pathname}${url.search}`;
  res.append("Link", `<${next}>; rel="next"`);
  return { items, next };
}

/**
 * For short lists read whole (a user's tokens, an organization's usages and grants): the page after the
 * item whose id the cursor names, in the list's own order.
 */
export function pageOfList<T>(
  req: Request,
  res: Response,
  base: string,
  all: T[],
  query: { limit: number; cursor?: string | undefined },
  idOf: (item: T) => string | number,
): { items: T[]; next: string | null } {
  const after = decodeCursor(query.cursor, z.tuple([z.union([z.string().max(100), z.number().int()])]));
  let start = 0;
  if (after !== undefined) {
    start = all.findIndex((item) => idOf(item) === after[0]) + 1;
    if (start === 0)
      throw new AppError("validation_failed", "The query string is not valid.", {
        errors: [{ path: "/query/cursor", message: "names an item no longer in the list" }],
      });
  }
  return pageOf(req, res, base, all.slice(start, start + query.limit + 1), query.limit, (item) => [idOf(item)]);
}
