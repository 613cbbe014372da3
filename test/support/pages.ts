// Walking a cursor-paged list the way a client does: `?limit=`, then each page's `next` until it is null,
// checking the `Link` header against `next` on every page.
import { expect } from "vitest";
import { api, type Harness } from "./harness.js";

export interface Walk<T> {
  items: T[];
  pages: number;
  /** Each page's `next` (the last one null). */
  nexts: (string | null)[];
}

/** Every item of a list, page by page (`limit` items a page), following `next`; `onPage` sees each page's body. */
export async function walkList<T = Record<string, unknown>>(
  h: Harness,
  auth: Record<string, string>,
  path: string,
  field: string,
  limit: number,
  onPage?: (body: Record<string, unknown>) => void,
): Promise<Walk<T>> {
  const items: T[] = [];
  const nexts: (string | null)[] = [];
  let url: string | null = `${path}${path.includes("?") ? "&" : "?"}limit=${limit}`;
  while (url) {
    const res = await api(h)
      .get(url.replace(/^https?:\/\/[^/]+/, ""))
      .set(auth)
      .expect(200);
    onPage?.(res.body as Record<string, unknown>);
    const page = res.body[field] as T[];
    expect(page.length, url).toBeLessThanOrEqual(limit);
    items.push(...page);
    url = res.body.next as string | null;
    nexts.push(url);
    if (url) {
      expect(page.length, url).toBe(limit);
      expect(res.headers.link).toBe(`<${url}>; rel="next"`);
    } else expect(res.headers.link).toBeUndefined();
    expect(nexts.length, "the walk ends").toBeLessThan(1000);
  }
  return { items, pages: nexts.length, nexts };
}

/**
 * The whole list in one page (at least `atLeast` items), then a walk of `limit` a page: the same items in the same
 * order, in as many pages as they fill. Returns the whole list.
 */
export async function expectWalk<T = Record<string, unknown>>(
  h: Harness,
  auth: Record<string, string>,
  path: string,
  field: string,
  limit: number,
  atLeast: number,
): Promise<T[]> {
  const whole = await api(h)
    .get(`${path}${path.includes("?") ? "&" : "?"}limit=200`)
    .set(auth)
    .expect(200);
  expect(whole.body.next).toBeNull();
  const all = whole.body[field] as T[];
  expect(all.length).toBeGreaterThanOrEqual(atLeast);
  const walked = await walkList<T>(h, auth, path, field, limit);
  expect(walked.items).toEqual(all);
  expect(walked.pages).toBe(Math.ceil(all.length / limit));
  return all;
}

/** A list's answer to a cursor it did not give out: 400 problem+json, code `invalid_cursor`. */
export async function expectBadCursor(h: Harness, auth: Record<string, string>, path: string, cursor: string): Promise<void> {
  const res = await api(h)
    .get(`${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`)
    .set(auth)
    .expect(400);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 400, code: "invalid_cursor", errors: [{ path: "/query/cursor", message: expect.any(String) }] });
}
