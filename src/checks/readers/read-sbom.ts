// SBOMs: CycloneDX JSON 1.2–1.6 and SPDX JSON 2.2–2.3.
import { fromParts } from "../../purl/purl.js";
import { ComponentSet, declaredLicense, INVALID, MAX_DEPTH, MAX_NAME_LENGTH, optionalString, safeParsePurl } from "./component.js";

interface CdxComponent {
  purl?: unknown;
  group?: unknown;
  name?: unknown;
  version?: unknown;
  licenses?: unknown;
  components?: unknown;
}

function cdxLicense(licenses: unknown): string | null {
  if (!Array.isArray(licenses)) return null;
  const parts: string[] = [];
  for (const l of licenses as { expression?: unknown; license?: { id?: unknown } }[]) {
    if (typeof l?.expression === "string") return declaredLicense(l.expression);
    if (typeof l?.license?.id === "string") parts.push(l.license.id);
  }
  return parts.length === 0 ? null : declaredLicense(parts.length === 1 ? parts[0] : `(${parts.join(" OR ")})`);
}

export function readCycloneDx(doc: Record<string, unknown>, set: ComponentSet): void {
  // The BOM's own subject (metadata.component) is the project, not a dependency.
  const stack: [unknown, number][] = [[doc.components, 0]];
  while (stack.length > 0) {
    const [list, depth] = stack.pop()!;
    if (!Array.isArray(list)) continue;
    for (const c of list as CdxComponent[]) {
      if (!c || typeof c !== "object") continue;
      const fields = [optionalString(c.purl), optionalString(c.group), optionalString(c.name), optionalString(c.version)];
      // A purl, group, name or version that is not a string identifies nothing: counted, never matched.
      let purl = fields.includes(INVALID) ? null : typeof c.purl === "string" ? safeParsePurl(c.purl) : null;
      if (!purl && !fields.includes(INVALID) && typeof c.name === "string" && c.name.length <= MAX_NAME_LENGTH) {
        const group = typeof c.group === "string" ? c.group : null;
        const version = typeof c.version === "string" ? c.version : null;
        try {
          purl = fromParts(group?.startsWith("@") ? "npm" : "generic", group || null, c.name, version);
        } catch {
          purl = null;
        }
      }
      set.add(purl, cdxLicense(c.licenses));
      if (c.components && depth < MAX_DEPTH) stack.push([c.components, depth + 1]);
    }
  }
}

interface SpdxPackage {
  externalRefs?: { referenceCategory?: unknown; referenceType?: unknown; referenceLocator?: unknown }[];
  licenseDeclared?: unknown;
  licenseConcluded?: unknown;
}

export function readSpdx(doc: Record<string, unknown>, set: ComponentSet): void {
  if (!Array.isArray(doc.packages)) return;
  for (const p of doc.packages as SpdxPackage[]) {
    if (!p || typeof p !== "object") continue;
    const refs = Array.isArray(p.externalRefs) ? p.externalRefs : [];
    const ref = refs.find(
      (r) =>
        (r?.referenceCategory === "PACKAGE-MANAGER" || r?.referenceCategory === "PACKAGE_MANAGER") &&
        r.referenceType === "purl" &&
        typeof r.referenceLocator === "string",
    );
    set.add(
      ref ? safeParsePurl(ref.referenceLocator as string) : null,
      declaredLicense(p.licenseDeclared) ?? declaredLicense(p.licenseConcluded),
    );
  }
}
