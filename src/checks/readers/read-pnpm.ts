// pnpm-lock.yaml, lockfile versions 6 to 9. Keys: "/name@1.0.0(peer@2)" (v6), "name@1.0.0" (v9).
import { ComponentSet, githubPurl, safeNpmPurl } from "./component.js";

interface PnpmEntry {
  resolution?: { tarball?: unknown; repo?: unknown; commit?: unknown; type?: unknown };
  name?: unknown;
  version?: unknown;
}

export function readPnpm(doc: Record<string, unknown>, set: ComponentSet): void {
  const packages = doc.packages;
  if (!packages || typeof packages !== "object") return;
  for (const [rawKey, raw] of Object.entries(packages as Record<string, PnpmEntry>)) {
    const entry: PnpmEntry = raw && typeof raw === "object" ? raw : {};
    const key = rawKey.replace(/^\//, "").replace(/\(.*$/, ""); // peer suffixes describe the same package
    const res = entry.resolution ?? {};
    if (typeof res.repo === "string" && typeof res.commit === "string") {
      set.add(githubPurl(`${res.repo}#${res.commit}`));
      continue;
    }
    const at = key.indexOf("@", key.startsWith("@") ? 1 : 0);
    const name = typeof entry.name === "string" ? entry.name : at > 0 ? key.slice(0, at) : key;
    const spec = at > 0 ? key.slice(at + 1) : "";
    if (typeof res.tarball === "string" && githubPurl(res.tarball)) {
      set.add(githubPurl(res.tarball));
      continue;
    }
    if (/^(https?:|git|github:|file:|link:)/.test(spec)) {
      set.add(githubPurl(spec, true));
      continue;
    }
    const version = typeof entry.version === "string" ? entry.version : spec || null;
    set.add(safeNpmPurl(name, version));
  }
}
