// Format detection and dispatch. Well-kept parsers do the parsing (JSON.parse, yaml,
// @yarnpkg/parsers); every reader is iterative and bounded, so hostile files end in a 4xx.
import { parseSyml } from "@yarnpkg/parsers";
import { parseAllDocuments } from "yaml";
import { AppError } from "../../shared/errors.js";
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
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
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

function parseYarn(text: string, what: string): Record<string, unknown> {
  try {
    const doc = parseSyml(text) as unknown;
    if (!isObject(doc)) throw new Error("not a mapping");
    return doc;
  } catch (err) {
    throw invalid(what, err instanceof Error ? err.message.split("\n")[0]!.slice(0, 200) : "parse error");
  }
}

function parsePnpm(text: string): Record<string, unknown> {
  // A pnpm 9 file may hold two documents (the env lockfile first): the last one is the lockfile.
  const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const last = list.at(-1);
  if (!last) throw invalid("a pnpm lockfile", "no YAML document");
  if (last.errors.length > 0) throw invalid("a pnpm lockfile", last.errors[0]!.message.split("\n")[0]!.slice(0, 200));
  let doc: unknown;
  try {
    doc = last.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw invalid("a pnpm lockfile", err instanceof Error ? err.message.slice(0, 200) : "YAML error");
  }
  const declared = isObject(doc) ? doc.lockfileVersion : undefined;
  if (!isObject(doc) || (typeof declared !== "string" && typeof declared !== "number"))
    throw unsupported("The YAML document is not a pnpm lockfile.");
  const version = Number.parseFloat(String(declared));
  if (!(version >= 5.4 && version < 10)) throw unsupported(`pnpm lockfile version ${declared} is not supported (6 to 9 are).`);
  return doc;
}
