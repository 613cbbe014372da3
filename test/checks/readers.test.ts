// Hand-made edge cases for each format.
import { describe, expect, it } from "vitest";
import { readLockfile } from "../../src/checks/readers/read-lockfile.js";
import { AppError } from "../../src/shared/errors.js";
import { licenseChoice } from "../../src/checks/license-choice.js";
import { existsSync, readFileSync } from "node:fs";
import { requiredInCi } from "../support/ci.js";
import { join } from "node:path";
import { npmPurl, npmPurlByLibrary } from "../../src/purl/purl.js";

const purls = (text: string) =>
  readLockfile(text)
    .components.map((c) => c.purl.full)
    .sort();

describe("npm lockfiles", () => {
  it("v3: names from the key path, aliases through name, workspaces and links skipped, git as pkg:github, resolved optional", () => {
    const lock = {
      name: "app",
      lockfileVersion: 3,
      packages: {
        "": { name: "app", workspaces: ["packages/*"] },
        "packages/lib": { name: "@app/lib", version: "1.0.0" },
        "node_modules/@app/lib": { resolved: "packages/lib", link: true },
        "node_modules/left-pad": { version: "1.3.0" },
        "node_modules/@Scope/Thing": { version: "2.0.0", license: "MIT OR PPL" },
        "node_modules/old-name": { name: "real-name", version: "4.0.0" },
        "node_modules/a/node_modules/left-pad": { version: "1.1.0", resolved: "https://registry.npmjs.org/left-pad/-/left-pad-1.1.0.tgz" },
        "node_modules/forked": { version: "0.1.0", resolved: "git+ssh://git@github.com/Coop/Forked.git#abc123" },
      },
    };
    const r = readLockfile(JSON.stringify(lock));
    expect(r.format).toBe("npm");
    expect(r.components.map((c) => c.purl.full).sort()).toEqual(
      [
        "pkg:npm/%40scope/thing@2.0.0",
        "pkg:npm/left-pad@1.3.0",
        "pkg:npm/left-pad@1.1.0",
        "pkg:npm/real-name@4.0.0",
        "pkg:github/coop/forked@abc123",
      ].sort(),
    );
    expect(r.components.find((c) => c.purl.name === "thing")!.license).toBe("MIT OR PPL");
  });

  it("v1: the nested dependency tree, aliases and git versions", () => {
    const lock = {
      lockfileVersion: 1,
      dependencies: {
        a: { version: "1.0.0", dependencies: { b: { version: "2.0.0", dependencies: { a: { version: "0.9.0" } } } } },
        alias: { version: "npm:@scope/real@3.0.0" },
        gitdep: { version: "github:owner/repo#deadbeef" },
        local: { version: "file:../local" },
      },
    };
    expect(purls(JSON.stringify(lock))).toEqual([
      "pkg:github/owner/repo@deadbeef",
      "pkg:npm/%40scope/real@3.0.0",
      "pkg:npm/a@0.9.0",
      "pkg:npm/a@1.0.0",
      "pkg:npm/b@2.0.0",
    ]);
  });

  it("a package with no version keeps a versionless purl", () => {
    expect(purls(JSON.stringify({ lockfileVersion: 2, packages: { "node_modules/x": {} } }))).toEqual(["pkg:npm/x"]);
  });
});

describe("yarn lockfiles", () => {
  it("classic v1: multi-descriptor keys once, scoped names, aliases, GitHub tarballs", () => {
    const text = `# yarn lockfile v1


"@babel/core@^7.0.0", "@babel/core@^7.1.0":
  version "7.1.0"
  resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.1.0.tgz"

"left-pad-legacy@npm:left-pad@^1":
  version "1.3.0"

tool@owner/tool#v1:
  version "1.0.0"
  resolved "https://codeload.github.com/owner/tool/tar.gz/0123abcd"
`;
    const r = readLockfile(text);
    expect(r.format).toBe("yarn");
    expect(r.components.map((c) => c.purl.full).sort()).toEqual([
      "pkg:github/owner/tool@0123abcd",
      "pkg:npm/%40babel/core@7.1.0",
      "pkg:npm/left-pad@1.3.0",
    ]);
  });

  it("Berry: workspaces skipped, patches read as the package underneath, git resolutions as pkg:github", () => {
    const text = `__metadata:
  version: 8

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  languageName: unknown
  linkType: soft

"resolve@npm:^1.22.0":
  version: 1.22.8
  resolution: "resolve@npm:1.22.8"
  linkType: hard

"resolve@patch:resolve@npm%3A^1.22.0#~builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#~builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  linkType: hard

"lodash-es@npm:lodash@4.17.21":
  version: 4.17.21
  resolution: "lodash@npm:4.17.21"
  linkType: hard

"thing@https://github.com/owner/thing.git#commit=feedface":
  version: 2.0.0
  resolution: "thing@https://github.com/owner/thing.git#commit=feedface"
  linkType: hard
`;
    const r = readLockfile(text);
    expect(r.format).toBe("yarn-berry");
    expect(r.components.map((c) => c.purl.full).sort()).toEqual([
      "pkg:github/owner/thing@feedface",
      "pkg:npm/lodash@4.17.21",
      "pkg:npm/resolve@1.22.8",
    ]);
  });
});

describe("pnpm lockfiles", () => {
  it("v6 keys with leading slash and peer suffixes", () => {
    const text = `lockfileVersion: '6.0'

packages:

  /@scope/pkg@1.0.0(react@18.2.0):
    resolution: {integrity: sha512-x}

  /react@18.2.0:
    resolution: {integrity: sha512-y}

  github.com/owner/repo/abc123:
    resolution: {tarball: https://codeload.github.com/owner/repo/tar.gz/abc123}
    name: repo
    version: 1.0.0
`;
    const r = readLockfile(text);
    expect(r.format).toBe("pnpm");
    expect(r.components.map((c) => c.purl.full).sort()).toEqual([
      "pkg:github/owner/repo@abc123",
      "pkg:npm/%40scope/pkg@1.0.0",
      "pkg:npm/react@18.2.0",
    ]);
  });

  it("v9 with two documents: the last one is the lockfile", () => {
    const text = `---
lockfileVersion: '9.0'
importers:
  .:
    configDependencies: {}
packages:
  env-only@1.0.0:
    resolution: {integrity: sha512-z}
---
lockfileVersion: '9.0'
packages:
  left-pad@1.3.0:
    resolution: {integrity: sha512-a}
  '@types/node@20.0.0':
    resolution: {integrity: sha512-b}
`;
    expect(purls(text)).toEqual(["pkg:npm/%40types/node@20.0.0", "pkg:npm/left-pad@1.3.0"]);
  });
});

describe("SBOMs", () => {
  it("CycloneDX: nested components, purl first, else group/name/version; the BOM's subject is not a component", () => {
    const bom = {
      bomFormat: "CycloneDX",
      specVersion: "1.6",
      metadata: { component: { name: "app", purl: "pkg:npm/app@1.0.0" } },
      components: [
        {
          name: "outer",
          version: "1.0.0",
          purl: "pkg:npm/outer@1.0.0?vcs_url=x",
          licenses: [{ expression: "MIT OR PPL" }],
          components: [{ name: "inner", group: "@scope", version: "2.0.0" }],
        },
        { name: "nameless-version", group: "org.example" },
      ],
    };
    const r = readLockfile(JSON.stringify(bom));
    expect(r.format).toBe("cyclonedx");
    expect(r.components.map((c) => c.purl.full).sort()).toEqual([
      "pkg:generic/org.example/nameless-version",
      "pkg:npm/%40scope/inner@2.0.0",
      "pkg:npm/outer@1.0.0",
    ]);
    expect(r.components.find((c) => c.purl.name === "outer")!.license).toBe("MIT OR PPL");
  });

  it("SPDX: purls under PACKAGE-MANAGER and PACKAGE_MANAGER; packages without one are counted as unidentified", () => {
    const doc = {
      spdxVersion: "SPDX-2.3",
      packages: [
        { name: "a", externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: "pkg:npm/a@1.0.0" }] },
        {
          name: "b",
          externalRefs: [{ referenceCategory: "PACKAGE_MANAGER", referenceType: "purl", referenceLocator: "pkg:npm/b@2.0.0" }],
          licenseDeclared: "PPL",
        },
        { name: "c" },
      ],
    };
    const r = readLockfile(JSON.stringify(doc));
    expect(r.components.map((c) => c.purl.full).sort()).toEqual(["pkg:npm/a@1.0.0", "pkg:npm/b@2.0.0"]);
    expect(r.unidentified).toBe(1);
  });
});

describe("unknown and hostile input", () => {
  const code = (text: string) => {
    try {
      readLockfile(text);
      return "accepted";
    } catch (err) {
      return err instanceof AppError ? `${err.status} ${err.code}` : `crash: ${String(err)}`;
    }
  };

  it("an unknown format is a 415 naming the accepted ones", () => {
    expect(code("hello world")).toBe("415 unsupported_lockfile");
    expect(code(JSON.stringify({ some: "json" }))).toBe("415 unsupported_lockfile");
    expect(code("")).toBe("415 unsupported_lockfile");
  });

  it("deep nesting, alias bombs and gigantic strings end in a 4xx", () => {
    expect(code("[".repeat(200_000))).toMatch(/^4\d\d /);
    expect(code(`{"bomFormat":"CycloneDX","components":${'[{"name":"x","components":'.repeat(5000)}[]${"}]".repeat(5000)}}`)).toBe(
      "accepted",
    );
    const bomb = `lockfileVersion: '9.0'\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\npackages: {}\n`;
    expect(code(bomb)).toBe("422 validation_failed");
    const huge = JSON.stringify({ lockfileVersion: 3, packages: { ["node_modules/" + "x".repeat(5_000_000)]: { version: "1.0.0" } } });
    expect(readLockfile(huge).components).toEqual([]);
    expect(code('{"lockfileVersion": 3, "packages": {')).toBe("400 malformed_json");
  });
});

describe("declared license expressions", () => {
  it.each([
    ["PPL", "ppl"],
    ["MIT OR PPL", "non_ppl_alternative"],
    ["(PPL AND MIT)", "ppl"],
    ["MIT", "non_ppl_alternative"],
    [null, "undeclared"],
    ["SEE LICENSE IN LICENSE.md", "undeclared"],
  ])("%s → %s", (expr, choice) => {
    expect(licenseChoice(expr)).toBe(choice);
  });
});

describe("the npm purl fast path", () => {
  it("builds exactly what packageurl-js builds, on every npm name and version of the real lockfiles", () => {
    const file = join(import.meta.dirname, "../../../shared/fixtures/real/npm-cli.package-lock.json");
    const names: [string, string][] = [
      ["@Scope/Pkg", "1.0.0+build.5"],
      ["left-pad", "1.0.0-Beta.1"],
      ["weird name", "1.0.0"],
      ["x", "1.0.0 (beta)"],
    ];
    if (requiredInCi(file, existsSync(file), "the real fixtures of ../shared/fixtures/real must be beside the checkout")) {
      const doc = JSON.parse(readFileSync(file, "utf8")) as { packages: Record<string, { version?: string }> };
      for (const [key, e] of Object.entries(doc.packages))
        if (key.includes("node_modules/") && e.version) names.push([key.split("node_modules/").pop()!, e.version]);
    }
    for (const [name, version] of names) expect(npmPurl(name, version)).toEqual(npmPurlByLibrary(name, version));
  });
});
