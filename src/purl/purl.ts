// Package URLs, normalised with packageurl-js. A work's packages are kept versionless; a
// component found in a lockfile keeps its version.
import { PackageURL } from "packageurl-js";

export interface ParsedPurl {
  type: string;
  namespace: string | null;
  name: string;
  version: string | null;
  /** Canonical purl without version, qualifiers or subpath: the matching key. */
  base: string;
  /** Canonical purl with version (no qualifiers or subpath). */
  full: string;
}

export function parsePurl(input: string): ParsedPurl | string {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(input.trim());
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^Invalid purl: /, "") : "is not a package URL";
  }
  return fromParts(p.type, p.namespace ?? null, p.name, p.version ?? null);
}

export function fromParts(type: string, namespace: string | null, name: string, version: string | null): ParsedPurl {
  const base = new PackageURL(type, namespace || undefined, name, undefined, undefined, undefined);
  const full = version ? new PackageURL(type, namespace || undefined, name, version, undefined, undefined) : base;
  return { type: base.type, namespace: base.namespace ?? null, name: base.name, version, base: base.toString(), full: full.toString() };
}

// Characters packageurl-js leaves as they are in an npm purl. Names and versions made only of
// these take the fast path, which builds the same canonical string without the library; a test
// holds the two paths equal on every real lockfile.
const PLAIN_NAME = /^[a-z0-9._~-]+$/;
const PLAIN_VERSION = /^[A-Za-z0-9._~+-]+$/;

/** npm names carry their scope: "@scope/name" → namespace "@scope", name "name". */
export function npmPurl(packageName: string, version: string | null): ParsedPurl {
  const slash = packageName.startsWith("@") ? packageName.indexOf("/") : -1;
  const namespace = slash > 0 ? packageName.slice(0, slash).toLowerCase() : null;
  const name = (slash > 0 ? packageName.slice(slash + 1) : packageName).toLowerCase();
  if (
    PLAIN_NAME.test(name) &&
    (namespace === null || PLAIN_NAME.test(namespace.slice(1))) &&
    (version === null || PLAIN_VERSION.test(version))
  ) {
    const base = namespace ? `pkg:npm/%40${namespace.slice(1)}/${name}` : `pkg:npm/${name}`;
    return { type: "npm", namespace, name, version, base, full: version ? `${base}@${version}` : base };
  }
  return npmPurlByLibrary(packageName, version);
}

export function npmPurlByLibrary(packageName: string, version: string | null): ParsedPurl {
  const slash = packageName.startsWith("@") ? packageName.indexOf("/") : -1;
  return slash > 0
    ? fromParts("npm", packageName.slice(0, slash), packageName.slice(slash + 1), version)
    : fromParts("npm", null, packageName, version);
}
