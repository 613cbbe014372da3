// A JSON object with one long array, written as it is read: the fields before the array, the array a page at
// a time, then the fields after it. The bytes are those `res.json` would send for the whole object, but no
// more than a page is held at once (a billing run's answer lists every invoice of the month).
import { once } from "node:events";
import type { Response } from "express";

/** Set by the ApiRouter when it holds 2xx bodies to their declared schema (tests): checks a streamed body. */
export const STREAMED_BODY_CHECK = "checkStreamedBody";
export type StreamedBodyCheck = (body: unknown) => string | null;

export interface StreamedObject {
  before: Record<string, unknown>;
  /** The name of the array and its pages, in order. */
  key: string;
  pages: AsyncIterable<unknown[]>;
  /** Fields after the array, known once it is written. */
  after?: () => Record<string, unknown>;
}

/**
 * Sends `object` with the response's status. A failure once the first bytes are sent can no longer be a
 * problem+json: the connection is closed, and the client sees a truncated body, never a complete wrong one.
 */
export async function sendStreamedJson(res: Response, object: StreamedObject): Promise<void> {
  const check = res.locals[STREAMED_BODY_CHECK] as StreamedBodyCheck | undefined;
  const kept: unknown[] | null = check ? [] : null;
  res.type("application/json");
  const write = async (text: string) => {
    if (!res.write(text)) await Promise.race([once(res, "drain"), once(res, "close")]);
  };
  const pages = object.pages[Symbol.asyncIterator]();
  try {
    // The first page is read before anything is sent, so a failure to read answers with a problem.
    let page = await pages.next();
    const before = fields(object.before);
    await write(`{${before}${before ? "," : ""}${JSON.stringify(object.key)}:[`);
    let first = true;
    for (; !page.done; page = await pages.next()) {
      if (res.destroyed) return;
      if (page.value.length === 0) continue;
      await write((first ? "" : ",") + page.value.map((item) => JSON.stringify(item)).join(","));
      first = false;
      kept?.push(...page.value);
    }
    const afterValues = object.after?.() ?? {};
    const after = fields(afterValues);
    await write(`]${after ? "," : ""}${after}}`);
    const problem = check?.({ ...object.before, [object.key]: kept, ...afterValues }) ?? null;
    if (problem) {
      // A programmer error, as the ApiRouter reports it for res.json; the body is already on its way.
      console.error(problem);
      res.destroy(new Error(problem));
      return;
    }
    res.end();
  } catch (error) {
    await pages.return?.();
    if (!res.headersSent) throw error;
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

function fields(values: Record<string, unknown>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(",");
}
