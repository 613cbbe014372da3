// yarn.lock, classic v1 and Berry, both through @yarnpkg/parsers' parseSyml.
import { ComponentSet, githubPurl, INVALID, optionalString, safeNpmPurl } from "./component.js";

interface YarnEntry {
  version?: unknown;
  resolved?: unknown;
  resolution?: unknown;
  linkType?: unknown;
}

/** "@scope/name@range" or "name@range" → name and range. */
function splitDescriptor(descriptor: string): [string, string] {
  const at = descriptor.indexOf("@", descriptor.startsWith("@") ? 1 : 0);
  return at < 0 ? [descriptor, ""] : [descriptor.slice(0, at), descriptor.slice(at + 1)];
}

export function readYarnClassic(doc: Record<string, unknown>, set: ComponentSet): void {
  for (const [key, raw] of Object.entries(doc)) {
    if (!raw || typeof raw !== "object") continue;
    const entry = raw as YarnEntry;
    const first = key.split(",")[0]!.trim().replace(/^"|"$/g, "");
    const [descriptorName, range] = splitDescriptor(first);
    let name = descriptorName;
    const version = optionalString(entry.version);
    const resolved = optionalString(entry.resolved) ?? "";
    if (version === INVALID || resolved === INVALID) {
      set.add(null); // counted as unidentified, never matched
      continue;
    }
    if (range.startsWith("npm:")) name = splitDescriptor(range.slice(4))[0]; // alias@npm:real@range
    if (range.startsWith("file:") || range.startsWith("link:") || range.startsWith("workspace:")) continue;
    set.add(githubPurl(resolved) ?? githubPurl(range) ?? safeNpmPurl(name, version));
  }
}

export function readYarnBerry(doc: Record<string, unknown>, set: ComponentSet): void {
  for (const [key, raw] of Object.entries(doc)) {
    if (key === "__metadata" || !raw || typeof raw !== "object") continue;
    const entry = raw as YarnEntry;
    const resolution = typeof entry.resolution === "string" ? entry.resolution : "";
    const [name, ref] = splitDescriptor(resolution);
    if (!name || /^(workspace|link|portal|file|exec):/.test(ref) || entry.linkType === "soft") continue;
    const version = optionalString(entry.version);
    if (version === INVALID) {
      set.add(null); // counted as unidentified, never matched
      continue;
    }
    if (ref.startsWith("patch:")) {
      // The patched package is the package underneath: "patch:name@npm%3A1.2.3#…".
      // A broken `%` escape names no package underneath: the entry is skipped, not a failed check.
      const inner = decodeOrNull(ref.slice("patch:".length).split("#")[0]!);
      if (inner === null) continue;
      const [innerName, innerRef] = splitDescriptor(inner);
      set.add(innerRef.startsWith("npm:") ? safeNpmPurl(innerName, version) : githubPurl(innerRef));
      continue;
    }
    if (ref.startsWith("npm:")) set.add(safeNpmPurl(name, version ?? ref.slice(4)));
    else set.add(githubPurl(ref) ?? null);
  }
}

function decodeOrNull(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
