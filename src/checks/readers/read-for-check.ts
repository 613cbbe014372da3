// What a parse process does for a check (parse-pool.ts): read the file and pack its components so that
// the server gets them back cheaply. Serializing a hundred thousand component objects would cost the
// server's main thread hundreds of milliseconds to take apart; the packed form is two strings (one copy each): the
// distinct versionless purls, one a line (what the database lookup needs, split a chunk at a time), and
// each purl's components as JSON, parsed on the main thread only for the purls the registry knows.
import { AppError, type FieldError } from "../../shared/errors.js";
import type { ParsedPurl } from "../../purl/purl.js";
import type { Component, LockfileFormat } from "./component.js";
import { readLockfile, type ReadResult } from "./read-lockfile.js";

export interface PackedRead {
  format: LockfileFormat;
  componentCount: number;
  unidentified: number;
  /** The distinct versionless purls (ParsedPurl.base), one a line: a canonical purl has no raw newline. */
  bases: string;
  baseCount: number;
  /** `rows.slice(offsets[i], offsets[i + 1])` is the JSON of the components of `bases[i]`. */
  offsets: Int32Array;
  rows: string;
}

/** An AppError as it crosses the process boundary (errors lose their class on the way). */
export interface ReadFailure {
  code: string;
  message: string;
  errors?: FieldError[] | undefined;
}

export interface ReadTask {
  body: Uint8Array;
}

export type ReadOutcome = { ok: true; read: PackedRead } | { ok: false; error: ReadFailure };

type Row = [type: string, namespace: string | null, name: string, version: string | null, full: string, license: string | null];

export function pack(result: ReadResult): PackedRead {
  const groups = new Map<string, Row[]>();
  for (const c of result.components) {
    const p = c.purl;
    const row: Row = [p.type, p.namespace, p.name, p.version, p.full, c.license];
    const group = groups.get(p.base);
    if (group) group.push(row);
    else groups.set(p.base, [row]);
  }
  const bases: string[] = [];
  const parts: string[] = [];
  const offsets = new Int32Array(groups.size + 1);
  let at = 0;
  for (const [base, rows] of groups) {
    const json = JSON.stringify(rows);
    offsets[bases.length] = at;
    bases.push(base);
    parts.push(json);
    at += json.length;
  }
  offsets[bases.length] = at;
  return {
    format: result.format,
    componentCount: result.components.length,
    unidentified: result.unidentified,
    bases: bases.join("\n"),
    baseCount: bases.length,
    offsets,
    rows: parts.join(""),
  };
}

/** The versionless purls of a packed read, `size` at a time, in order. */
export function* basesOf(read: PackedRead, size: number): Generator<string[]> {
  let chunk: string[] = [];
  let from = 0;
  for (let i = 0; i < read.baseCount; i++) {
    const end = read.bases.indexOf("\n", from);
    chunk.push(read.bases.slice(from, end < 0 ? undefined : end));
    from = end + 1;
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** The components of the purls `wanted` keeps (all of them without it), in file order per purl. */
export function unpack(read: PackedRead, wanted?: (base: string) => boolean): Component[] {
  const components: Component[] = [];
  let i = 0;
  for (const chunk of basesOf(read, 1_000))
    for (const base of chunk) {
      const at = i++;
      if (wanted && !wanted(base)) continue;
      const rows = JSON.parse(read.rows.slice(read.offsets[at], read.offsets[at + 1])) as Row[];
      for (const [type, namespace, name, version, full, license] of rows) {
        const purl: ParsedPurl = { type, namespace, name, version, base, full };
        components.push({ purl, license });
      }
    }
  return components;
}

export function readForCheck(task: ReadTask): ReadOutcome {
  try {
    return { ok: true, read: pack(readLockfile(Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength))) };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { ok: false, error: { code: err.code, message: err.message, errors: err.errors } };
  }
}
