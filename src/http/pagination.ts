// One pagination scheme for every list: `?limit=` and an opaque `?cursor=`; the response names the next
// page's URL in `next` (null on the last page) and in a `Link: <…>; rel="next"` header. A cursor is the sort
// key of the last item shown (base64url JSON), so pages stay stable while rows are added.
import type { Request, Response } from "express";
import { z } from "zod";
import { AppError } from "../shared/errors.js";
import { hasControlCharacters } from "../shared/schemas.js";

export { cursorQuery, nextSchema } from "../shared/schemas.js";

export type CursorKey = (string | number)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** A cursor the list cannot continue from: 400 `invalid_cursor`, naming the query field. */
function invalidCursor(message: string): AppError {
  return new AppError("invalid_cursor", "The cursor is not one this list gave out; follow the `next` link of the page before.", {
    errors: [{ path: "/query/cursor", message }],
  });
}

/**
 * A list that paged another way before (`?offset=`, `?before=`) refuses the old parameter instead of quietly
 * answering its first page again, which would loop a client that pages until a short page.
 */
export function refuseOldPaging(req: Request, names: string[]): void {
  const old = names.filter((name) => req.query[name] !== undefined);
  if (old.length > 0)
    throw new AppError("validation_failed", "The query string is not valid.", {
      errors: old.map((name) => ({ path: `/query/${name}`, message: "is no longer read: pass `cursor`, or follow `next`" })),
    });
}

/** The sort key a cursor holds, checked against the shape the list sorts by; a bad cursor is a 400. */
export function decodeCursor<S extends z.ZodType<CursorKey>>(cursor: string | undefined, shape: S): z.output<S> | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    key = undefined;
  }
  const parsed = shape.safeParse(key);
  // No list's key holds a control character; PostgreSQL refuses a NUL in a text parameter outright.
  const controlled = Array.isArray(key) && key.some((part) => typeof part === "string" && hasControlCharacters(part));
  if (!parsed.success || controlled) throw invalidCursor("is not a cursor this list gave out");
  return parsed.data;
}

/** For web pages: a cursor from the query string, or none (the first page) when it is not one the list gave out. */
export function pageCursorOf<S extends z.ZodType<CursorKey>>(cursor: unknown, shape: S): z.output<S> | undefined {
  if (typeof cursor !== "string" || cursor.length > 500) return undefined;
  try {
    return decodeCursor(cursor, shape);
  } catch {
    return undefined;
  }
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
 * For short lists read whole (a user's tokens, an organization's usages): the page after the
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
    if (start === 0) throw invalidCursor("names an item no longer in the list");
  }
  return pageOf(req, res, base, all.slice(start, start + query.limit + 1), query.limit, (item) => [idOf(item)]);
}

/** Code point order of two sort keys (the engines' collations may order text differently). */
export function compareKeys(a: CursorKey, b: CursorKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * For short lists read whole and sorted ascending by `keyOf` (unique per item): the page after the cursor's
 * key, which need not still be in the list (an item reviewed or removed meanwhile does not break the walk).
 */
export function pageOfSorted<T, S extends z.ZodType<CursorKey>>(
  req: Request,
  res: Response,
  base: string,
  sorted: T[],
  query: { limit: number; cursor?: string | undefined },
  shape: S,
  keyOf: (item: T) => CursorKey,
): { items: T[]; next: string | null } {
  const after = decodeCursor(query.cursor, shape);
  const start = after === undefined ? 0 : sorted.findIndex((item) => compareKeys(keyOf(item), after) > 0);
  const rest = start < 0 ? [] : sorted.slice(start, start + query.limit + 1);
  return pageOf(req, res, base, rest, query.limit, keyOf);
}
