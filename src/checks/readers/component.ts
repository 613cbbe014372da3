// What every reader produces: components as normalised purls, each distinct purl once.
import { MAX_ENTRIES, tooManyEntries } from "../check-limits.js";
import { fromParts, npmPurl, parsePurl, type ParsedPurl } from "../../purl/purl.js";

export const LOCKFILE_FORMATS = ["npm", "yarn", "yarn-berry", "pnpm", "cyclonedx", "spdx"] as const;
export type LockfileFormat = (typeof LOCKFILE_FORMATS)[number];

export interface Component {
  purl: ParsedPurl;
  /** The declared SPDX license expression, when the file carries one. */
  license: string | null;
}

/**
 * Limits on hostile input: a name and a depth of nested components (npm v1 dependency trees, CycloneDX
 * components) that no real file reaches. The entries and nesting limits are in check-limits.ts.
 */
export const MAX_NAME_LENGTH = 512;
export const MAX_DEPTH = 256;

export class ComponentSet {
  private readonly byPurl = new Map<string, Component>();
  unidentified = 0;
  /** Entries read, duplicates included: bounded by MAX_ENTRIES. */
  entries = 0;

  add(purl: ParsedPurl | null, license: string | null = null): void {
    if (++this.entries > MAX_ENTRIES) throw tooManyEntries();
    if (!purl) {
      this.unidentified++;
      return;
    }
    const existing = this.byPurl.get(purl.full);
    if (existing) {
      if (!existing.license && license) existing.license = license;
      return;
    }
    this.byPurl.set(purl.full, { purl, license });
  }

  get components(): Component[] {
    return [...this.byPurl.values()];
  }
}

const GITHUB_URL =
  /^(?:git\+)?(?:https?|ssh|git)?(?::\/\/)?(?:git@)?github\.com[/:]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?(?:#(.+))?$/;
const CODELOAD = /^https?:\/\/codeload\.github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/tar\.gz\/(.+)$/;
const GITHUB_SHORTHAND = /^(?:github:)?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?(?:#(.+))?$/;

/** A git dependency hosted on GitHub as pkg:github/owner/repo@ref; null when it is not one. */
export function githubPurl(spec: string, allowShorthand = false): ParsedPurl | null {
  // Every form but the bare shorthand names github: most specs (registry tarballs) skip the patterns.
  if (!allowShorthand && !spec.includes("github")) return null;
  const m =
    GITHUB_URL.exec(spec) ?? CODELOAD.exec(spec) ?? (allowShorthand || spec.startsWith("github:") ? GITHUB_SHORTHAND.exec(spec) : null);
  if (!m) return null;
  const ref = m[3] ? m[3].replace(/^commit=/, "").replace(/^semver:/, "") : null;
  return fromParts("github", m[1]!, m[2]!, ref || null);
}

/**
 * An npm package name as the registry has ever accepted one (legacy names may hold capitals): at most
 * 214 characters, URL-safe, an optional scope, not starting with a dot or an underscore. Anything else
 * (a path, a blank, a control character) names no package: the entry is unidentified, never matched.
 */
const NPM_NAME = /^(?:@[A-Za-z0-9~*!'()-][A-Za-z0-9._~*!'()-]*\/)?[A-Za-z0-9~*!'()-][A-Za-z0-9._~*!'()-]*$/;
export const isNpmPackageName = (name: string): boolean => name.length <= 214 && NPM_NAME.test(name);

/**
 * A field a reader expects to be a string when present: the string, null when absent, or `INVALID` when
 * present as anything else (a number, an object). An entry with an invalid field cannot be identified.
 */
export const INVALID = Symbol("invalid");
export function optionalString(value: unknown): string | null | typeof INVALID {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : INVALID;
}

export function safeNpmPurl(name: string, version: string | null): ParsedPurl | null {
  if (!isNpmPackageName(name) || (version !== null && (version.length === 0 || version.length > MAX_NAME_LENGTH))) return null;
  try {
    return npmPurl(name, version);
  } catch {
    return null;
  }
}

export function safeParsePurl(s: string): ParsedPurl | null {
  if (s.length > 4 * MAX_NAME_LENGTH) return null;
  const p = parsePurl(s);
  return typeof p === "string" ? null : p;
}

export function declaredLicense(value: unknown): string | null {
  if (typeof value === "string" && value.length > 0 && value.length <= MAX_NAME_LENGTH && value !== "NOASSERTION" && value !== "NONE")
    return value;
  return null;
}
