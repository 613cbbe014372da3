// Format detection and dispatch. Well-kept parsers do the parsing (JSON.parse, yaml,
// @yarnpkg/parsers); every reader is iterative and bounded, so hostile files end in a 4xx.
import { parseSyml } from "@yarnpkg/parsers";
import { parseAllDocuments } from "yaml";
import { loadAll as loadAllYaml, type LoadOptions } from "js-yaml";
import { AppError } from "../../shared/errors.js";
import { CheckLimitError, MAX_NESTING, nestingTooDeep } from "../check-limits.js";
import { ComponentSet, type Component, type LockfileFormat } from "./component.js";
import { readNpm } from "./read-npm.js";
import { readPnpm } from "./read-pnpm.js";
import { readCycloneDx, readSpdx } from "./read-sbom.js";
import { readYarnBerry, readYarnClassic } from "./read-yarn.js";

export interface ReadResult {
  format: LockfileFormat;
  components: Component[];
  /** Entries that name no package we can identify (no purl, local paths). */
  unidentified: number;
}

const ACCEPTED =
  "npm package-lock.json / npm-shrinkwrap.json (v1–v3), yarn.lock (classic v1 and Berry), pnpm-lock.yaml (v6–v9), CycloneDX JSON (1.2–1.6), SPDX JSON (2.2, 2.3)";

export const unsupported = (why: string) => new AppError("unsupported_lockfile", `${why} Accepted formats: ${ACCEPTED}.`);

function invalid(format: string, detail: string): AppError {
  return new AppError("validation_failed", `The file looks like ${format} but cannot be read: ${detail}`, {
    errors: [{ path: "", message: detail }],
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function detectJsonFormat(doc: Record<string, unknown>): LockfileFormat | null {
  if (doc.bomFormat === "CycloneDX") return "cyclonedx";
  if (typeof doc.spdxVersion === "string" && doc.spdxVersion.startsWith("SPDX-")) return "spdx";
  if ("lockfileVersion" in doc && (isObject(doc.packages) || isObject(doc.dependencies) || doc.packages === undefined)) return "npm";
  return null;
}

export function readLockfile(body: Buffer | string): ReadResult {
  const text = (typeof body === "string" ? body : body.toString("utf8")).replace(/^\uFEFF/, "");
  const head = text.trimStart();
  if (head.length === 0) throw unsupported("The file is empty.");
  const set = new ComponentSet();

  if (head.startsWith("{")) {
    if (jsonNestingExceeds(text, MAX_NESTING)) throw nestingTooDeep();
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      if (err instanceof RangeError) throw nestingTooDeep();
      // Malformed, or nested deeper than the parser's stack allows.
      throw new AppError(
        "malformed_json",
        `The file is not valid JSON: ${err instanceof Error ? err.message.slice(0, 200) : "parse error"}`,
      );
    }
    if (!isObject(doc)) throw unsupported("The JSON document is not an object.");
    const format = detectJsonFormat(doc);
    if (!format) throw unsupported("The JSON document is neither an npm lockfile, a CycloneDX BOM nor an SPDX document.");
    if (format === "cyclonedx") readCycloneDx(doc, set);
    else if (format === "spdx") readSpdx(doc, set);
    else readNpm(doc, set);
    return { format, components: set.components, unidentified: set.unidentified };
  }

  const start = text.slice(0, 4096);
  if (/^__metadata:/m.test(text.slice(0, 65536)) && !/^lockfileVersion:/m.test(start)) {
    readYarnBerry(parseYarn(text, "a yarn Berry lockfile"), set);
    return { format: "yarn-berry", components: set.components, unidentified: set.unidentified };
  }
  if (/# yarn lockfile v1/.test(start) || /^"?(@?[^\s"@]+)@[^\n]*:\n {2}version "/m.test(start)) {
    readYarnClassic(parseYarn(text, "a yarn v1 lockfile"), set);
    return { format: "yarn", components: set.components, unidentified: set.unidentified };
  }
  if (/^lockfileVersion:/m.test(text.slice(0, 65536))) {
    readPnpm(parsePnpm(text), set);
    return { format: "pnpm", components: set.components, unidentified: set.unidentified };
  }
  throw unsupported("The file's format was not recognised.");
}

/**
 * Whether the JSON text nests arrays and objects deeper than `max`: one pass over the characters,
 * strings skipped, before the parser sees it. Malformed text is left to the parser.
 */
export function jsonNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/** Whether a parsed document (YAML, yarn) nests deeper than `max`: walked without recursion. */
export function nestingExceeds(doc: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[doc, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth > max) return true;
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function parseYarn(text: string, what: string): Record<string, unknown> {
  try {
    const doc = parseSyml(text) as unknown;
    if (!isObject(doc)) throw new Error("not a mapping");
    if (nestingExceeds(doc, MAX_NESTING)) throw nestingTooDeep();
    return doc;
  } catch (err) {
    if (err instanceof CheckLimitError) throw err;
    if (err instanceof RangeError) throw nestingTooDeep(); // the parser's stack ran out
    throw invalid(what, err instanceof Error ? err.message.split("\n")[0]!.slice(0, 200) : "parse error");
  }
}

/** An anchor (`&name`) anywhere outside a comment: pnpm never writes one, so a file with one is unusual. */
const YAML_ANCHOR = /(?:^|[\s[{,:-])&[^\s,[\]{}]/m;

function parsePnpm(text: string): Record<string, unknown> {
  // pnpm writes its lockfiles with js-yaml and no anchors; js-yaml reads them ten times as fast as
  // `yaml` does. A file with anchors (hostile, or written by hand) goes through `yaml`, which bounds
  // alias expansion.
  const doc = YAML_ANCHOR.test(text) ? lastDocumentByYaml(text) : lastDocumentByJsYaml(text);
  if (nestingExceeds(doc, MAX_NESTING)) throw nestingTooDeep();
  const declared = isObject(doc) ? doc.lockfileVersion : undefined;
  if (!isObject(doc) || (typeof declared !== "string" && typeof declared !== "number"))
    throw unsupported("The YAML document is not a pnpm lockfile.");
  const version = Number.parseFloat(String(declared));
  if (!(version >= 5.4 && version < 10)) throw unsupported(`pnpm lockfile version ${declared} is not supported (6 to 9 are).`);
  return doc;
}

/** A pnpm 9 file may hold two documents (the env lockfile first): the last one is the lockfile. */
function lastDocumentByJsYaml(text: string): unknown {
  let docs: unknown[];
  try {
    // `json`: a duplicate key keeps its last value rather than failing, as `yaml` with uniqueKeys off.
    // `maxDepth` (js-yaml ≥ 4.1.1, not in its types): the nesting limit every format is held to.
    docs = loadAllYaml(text, null, { json: true, maxDepth: MAX_NESTING } as LoadOptions);
  } catch (err) {
    // Past the limit, or the parser's stack ran out first.
    if (err instanceof RangeError || (err instanceof Error && err.message.startsWith("nesting exceeded maxDepth"))) throw nestingTooDeep();
    throw invalid("a pnpm lockfile", err instanceof Error ? err.message.split("\n")[0]!.slice(0, 200) : "YAML error");
  }
  if (docs.length === 0) throw invalid("a pnpm lockfile", "no YAML document");
  return docs.at(-1);
}

function lastDocumentByYaml(text: string): unknown {
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
  } catch (err) {
    if (err instanceof RangeError) throw nestingTooDeep(); // the parser's stack ran out
    throw err;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const last = list.at(-1);
  if (!last) throw invalid("a pnpm lockfile", "no YAML document");
  if (last.errors.length > 0) throw invalid("a pnpm lockfile", last.errors[0]!.message.split("\n")[0]!.slice(0, 200));
  try {
    return last.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof RangeError) throw nestingTooDeep();
    throw invalid("a pnpm lockfile", err instanceof Error ? err.message.slice(0, 200) : "YAML error");
  }
}
