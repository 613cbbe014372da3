// Every real lockfile and SBOM in ../shared/fixtures/real: the component count and the exact
// set of purls, against an independent reading written here (no code shared with the readers).
import { existsSync, readFileSync } from "node:fs";
import { requiredInCi } from "../support/ci.js";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { readLockfile } from "../../src/checks/readers/read-lockfile.js";

const DIR = join(import.meta.dirname, "../../../shared/fixtures/real");
const present = existsSync(DIR);
requiredInCi(DIR, present, "the real fixtures of ../shared/fixtures/real must be beside the checkout");

const read = (f: string) => readFileSync(join(DIR, f), "utf8");
const enc = (s: string) => encodeURIComponent(s).replace(/%3A/g, ":");
/** pkg:npm purl spelled out by hand: the scope's @ is %40, names lower-case. */
function npm(name: string, version: string): string {
  const lower = name.toLowerCase();
  const [scope, bare] = lower.startsWith("@") ? lower.split("/") : [null, lower];
  return `pkg:npm/${scope ? `%40${scope.slice(1)}/` : ""}${enc(bare)}@${enc(version)}`;
}
const stripQualifiers = (purl: string) => purl.replace(/[?#].*$/, "");

function actual(file: string) {
  const r = readLockfile(readFileSync(join(DIR, file)));
  return { format: r.format, purls: new Set(r.components.map((c) => c.purl.full)), count: r.components.length };
}

describe.skipIf(!present)("real lockfiles and SBOMs", () => {
  it("npm-cli.package-lock.json (npm v3, workspaces)", () => {
    const doc = JSON.parse(read("npm-cli.package-lock.json")) as {
      packages: Record<string, { name?: string; version?: string; link?: boolean }>;
    };
    const expected = new Set<string>();
    for (const [key, e] of Object.entries(doc.packages)) {
      if (!key.includes("node_modules/") || e.link) continue;
      expected.add(npm(e.name ?? key.split("node_modules/").pop()!, e.version!));
    }
    const got = actual("npm-cli.package-lock.json");
    expect(got.format).toBe("npm");
    expect(got.purls).toEqual(expected);
    expect(got.count).toBe(expected.size);
  });

  it("webpack.yarn.lock (yarn classic)", () => {
    const expected = new Set<string>();
    for (const block of read("webpack.yarn.lock").split(/\n\n+/)) {
      const key = /^"?((?:@[^/"]+\/)?[^@"]+)@(npm:((?:@[^/"]+\/)?[^@"]+)@)?/m.exec(block);
      const version = /^ {2}version "([^"]+)"/m.exec(block);
      const codeload = /resolved "https:\/\/codeload\.github\.com\/([^/]+)\/([^/]+)\/tar\.gz\/([0-9a-f]+)"/.exec(block);
      if (codeload) expected.add(`pkg:github/${codeload[1]!.toLowerCase()}/${codeload[2]!.toLowerCase()}@${codeload[3]}`);
      else if (key && version) expected.add(npm(key[3] ?? key[1]!, version[1]!)); // an alias names the real package after npm:
    }
    const got = actual("webpack.yarn.lock");
    expect(got.format).toBe("yarn");
    expect(got.purls).toEqual(expected);
  });

  it("jest.yarn-berry.lock (yarn Berry)", () => {
    const expected = new Set<string>();
    for (const block of read("jest.yarn-berry.lock").split(/\n\n+/)) {
      const resolution = /^ {2}resolution: "(.+)"$/m.exec(block)?.[1];
      const version = /^ {2}version: (.+)$/m.exec(block)?.[1];
      if (!resolution || !version || /linkType: soft/.test(block)) continue;
      const m = /^((?:@[^/]+\/)?[^@]+)@(npm|patch):/.exec(resolution);
      if (m) expected.add(npm(m[1]!, version));
    }
    const got = actual("jest.yarn-berry.lock");
    expect(got.format).toBe("yarn-berry");
    expect(got.purls).toEqual(expected);
  });

  it("vite.pnpm-lock.yaml (pnpm 9)", () => {
    const docs = parseAllDocuments(read("vite.pnpm-lock.yaml"));
    const doc = (Array.isArray(docs) ? docs.at(-1)! : docs).toJS() as { packages: Record<string, unknown> };
    const expected = new Set<string>();
    for (const key of Object.keys(doc.packages)) {
      const m = /^((?:@[^/]+\/)?[^@]+)@(\d[^(]*)/.exec(key);
      if (m) expected.add(npm(m[1]!, m[2]!));
    }
    const got = actual("vite.pnpm-lock.yaml");
    expect(got.format).toBe("pnpm");
    expect(got.purls).toEqual(expected);
  });

  for (const file of ["juice-shop.cdx-1.4.json", "laravel.cdx-1.4.json"]) {
    it(`${file} (CycloneDX)`, () => {
      const expected = new Set<string>();
      const walk = (cs: { purl?: string; components?: unknown[] }[] = []) =>
        cs.forEach((c) => {
          if (c.purl) expected.add(stripQualifiers(c.purl));
          walk(c.components as never);
        });
      walk((JSON.parse(read(file)) as { components: [] }).components);
      const got = actual(file);
      expect(got.format).toBe("cyclonedx");
      expect(got.purls).toEqual(expected);
    });
  }

  for (const file of ["cargo-example.spdx-2.3.json", "maven-example.spdx-2.3.json", "appbomination.spdx-2.2.json"]) {
    it(`${file} (SPDX)`, () => {
      const doc = JSON.parse(read(file)) as {
        packages: { externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[] }[];
      };
      const expected = new Set<string>();
      for (const p of doc.packages) {
        const ref = p.externalRefs?.find((r) => r.referenceType === "purl" && /PACKAGE[-_]MANAGER/.test(r.referenceCategory));
        if (ref) expected.add(stripQualifiers(ref.referenceLocator));
      }
      const got = actual(file);
      expect(got.format).toBe("spdx");
      expect(got.purls).toEqual(expected);
    });
  }
});
