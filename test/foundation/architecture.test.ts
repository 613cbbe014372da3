// The structure holds: no import cycles anywhere in src/ (also run by `npm run lint`), and every runtime
// dependency is used.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importCycles, importGraph } from "../../scripts/import-graph.js";

describe("architecture", () => {
  it("has no import cycles in src/", () => {
    const root = resolve(import.meta.dirname, "../../src");
    const graph = importGraph(root);
    expect(graph.size).toBeGreaterThan(50);
    const cycles = importCycles(graph).map((c) => c.map((f) => f.slice(root.length + 1)).join(" -> "));
    expect(cycles).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(importCycles(graph)).toEqual([["a", "b", "c", "a"]]);
  });
});

const repoRoot = resolve(import.meta.dirname, "../..");
/** Where the code that runs lives; bench/ and test/ use devDependencies. */
const CODE_FOLDERS = ["src", "bin", "packages", "scripts"];
/**
 * Dependencies used otherwise than by an import, require or spawn in those folders: each with its reason.
 * Empty today; a name goes here only with a comment saying where it is used.
 */
const USED_OTHERWISE: Record<string, string> = {};

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === "node_modules"
      ? []
      : e.isDirectory()
        ? codeFiles(join(dir, e.name))
        : /\.(ts|js|mjs|cjs)$/.test(e.name)
          ? [join(dir, e.name)]
          : [],
  );
}

/** The dependencies no code imports, requires or spawns, and no npm script runs. */
function unusedDependencies(names: string[], sources: string[], scripts: string[]): string[] {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return names.filter((name) => {
    const n = escape(name);
    const imported = new RegExp(`(?:\\bfrom\\s*|\\bimport\\s*\\(\\s*|\\brequire\\s*\\(\\s*|\\bimport\\s+)["']${n}(?:/[^"']*)?["']`);
    const spawned = new RegExp(`\\b(?:spawn|spawnSync|execFile|execFileSync|fork)\\s*\\(\\s*["'](?:npx\\s+)?${n}["']`);
    const run = new RegExp(`(?:^|[\\s;&|(])(?:npx\\s+)?${n}(?=\\s|$)`);
    return !sources.some((s) => imported.test(s) || spawned.test(s)) && !scripts.some((s) => run.test(s));
  });
}

describe("dependencies", () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    scripts: Record<string, string>;
  };
  const sources = CODE_FOLDERS.flatMap((f) => codeFiles(join(repoRoot, f))).map((f) => readFileSync(f, "utf8"));

  it("every package in dependencies is imported, required or spawned by the code, or run by a script", () => {
    expect(sources.length).toBeGreaterThan(100);
    const names = Object.keys(pkg.dependencies).filter((n) => !(n in USED_OTHERWISE));
    expect(unusedDependencies(names, sources, Object.values(pkg.scripts))).toEqual([]);
    for (const name of Object.keys(USED_OTHERWISE)) expect(pkg.dependencies, name).toHaveProperty([name]);
  });

  it("finds an unused one, and counts imports, subpaths, requires, spawns and scripts as uses", () => {
    const code = [
      'import { a } from "used-a";',
      'const b = await import("used-b/sub/path.js");',
      "const c = require('used-c');",
      'import "used-d";',
      'spawn("used-e", ["--x"]);',
      '// "never-imported" in a comment',
      'import { x } from "prefix-only-longer";',
    ];
    const names = ["used-a", "used-b", "used-c", "used-d", "used-e", "used-f", "never-imported", "prefix-only"];
    expect(unusedDependencies(names, code, ["used-f scripts/x.ts && tsc"])).toEqual(["never-imported", "prefix-only"]);
  });
});
