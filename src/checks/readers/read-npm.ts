// npm package-lock.json / npm-shrinkwrap.json, lockfile versions 1 to 3.
import { ComponentSet, declaredLicense, githubPurl, INVALID, MAX_DEPTH, optionalString, safeNpmPurl } from "./component.js";

interface V2Entry {
  name?: unknown;
  version?: unknown;
  resolved?: unknown;
  link?: unknown;
  license?: unknown;
}

interface V1Entry {
  version?: unknown;
  resolved?: unknown;
  dependencies?: Record<string, V1Entry>;
}

export function readNpm(doc: Record<string, unknown>, set: ComponentSet): void {
  const packages = doc.packages;
  if (packages && typeof packages === "object") {
    const entries = packages as Record<string, V2Entry>;
    // for…in rather than Object.entries: a lockfile has tens of thousands of keys, and JSON has no
    // inherited ones.
    for (const key in entries) {
      const raw = entries[key];
      const at = key.lastIndexOf("node_modules/");
      // "" is the project itself; keys without node_modules/ are workspace folders; links point at them.
      if (at < 0 || !raw || typeof raw !== "object" || raw.link === true) continue;
      const keyName = key.slice(at + "node_modules/".length);
      const name = optionalString(raw.name) ?? keyName; // aliases carry the real name
      const version = optionalString(raw.version);
      const resolved = optionalString(raw.resolved) ?? "";
      // A name, version or source that is not a string identifies nothing: counted, never matched.
      if (name === INVALID || version === INVALID || resolved === INVALID) set.add(null);
      else set.add(githubPurl(resolved) ?? safeNpmPurl(name, version), declaredLicense(raw.license));
    }
    return;
  }
  // Version 1: a nested tree of dependencies, walked without recursion.
  const stack: [Record<string, V1Entry>, number][] = [];
  if (doc.dependencies && typeof doc.dependencies === "object") stack.push([doc.dependencies as Record<string, V1Entry>, 0]);
  while (stack.length > 0) {
    const [deps, depth] = stack.pop()!;
    for (const [name, entry] of Object.entries(deps)) {
      if (!entry || typeof entry !== "object") continue;
      const version = optionalString(entry.version);
      const resolved = optionalString(entry.resolved) ?? "";
      set.add(version === INVALID || resolved === INVALID ? null : v1Purl(name, version, resolved));
      if (entry.dependencies && typeof entry.dependencies === "object" && depth < MAX_DEPTH) stack.push([entry.dependencies, depth + 1]);
    }
  }
}

function v1Purl(name: string, version: string | null, resolved: string) {
  if (version?.startsWith("npm:")) {
    // An alias: "npm:real-name@1.2.3".
    const spec = version.slice(4);
    const at = spec.lastIndexOf("@");
    return at > 0 ? safeNpmPurl(spec.slice(0, at), spec.slice(at + 1)) : null;
  }
  if (version && /^(git\+|git:|github:|https?:\/\/|ssh:)/.test(version)) return githubPurl(version, true) ?? githubPurl(resolved);
  if (version?.startsWith("file:")) return null;
  return githubPurl(resolved) ?? safeNpmPurl(name, version);
}
