// The books exported, checked by bean-check and by verify-books, then tampered with: one byte of
// each kind of file (caught by the manifest), and changes re-signed into the manifest (caught by
// the checks behind it).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeHarness, tempDir, type Harness } from "../support/harness.js";
import { requiredInCi } from "../support/ci.js";
import { exportBooks } from "../../src/books/export-books.js";
import { verifyBooks } from "../../src/books/verify-books.js";
import { canonicalJson, type CanonicalValue } from "../../src/books/canonical.js";
import { main } from "../../src/main.js";
import { billTwoMonths, distributeFebruary } from "./books-story.js";

const beanCheckPresent = spawnSync("bean-check", ["--help"]).status === 0;
requiredInCi("bean-check", beanCheckPresent, "scripts/install-system-deps.sh installs Debian's beancount");

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await makeHarness();
  await distributeFebruary(h, await billTwoMonths(h));
  dir = join(tempDir(), "books");
  const { deps } = h;
  const seller = { name: "Commune Fund", country: "DE", address: "", vatId: undefined, iban: "" };
  const summary = await exportBooks(h.db, dir, {
    books: deps.books,
    signer: deps.signer,
    clock: deps.clock,
    seller,
    sellerEmail: "fund@example.org",
  });
  expect(summary.invoices).toBeGreaterThanOrEqual(5);
  expect(summary.grants).toBeGreaterThanOrEqual(2);
}, 60_000);
afterAll(async () => {
  await h.close();
});

/** A copy of the export to spoil. */
function copy(): string {
  const target = join(tempDir(), "copy");
  cpSync(dir, target, { recursive: true });
  return target;
}

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => join(f.parentPath, f.name).slice(root.length + 1));
}

/** Writes new hashes into the manifest and signs it again with the log's key, as a forger holding the key would. */
function resign(root: string): void {
  const manifest = JSON.parse(readFileSync(join(root, "MANIFEST.json"), "utf8")) as Record<string, unknown>;
  const { signature, ...body } = manifest as { signature: { key: string } } & Record<string, unknown>;
  body.files = Object.fromEntries(
    files(root)
      .filter((f) => f !== "MANIFEST.json")
      .sort()
      .map((f) => [
        f,
        createHash("sha256")
          .update(readFileSync(join(root, f)))
          .digest("hex"),
      ]),
  );
  const value = h.deps.books.signer.sign(Buffer.from(canonicalJson(body as CanonicalValue))).toString("base64");
  writeFileSync(join(root, "MANIFEST.json"), JSON.stringify({ ...body, signature: { key: signature.key, value } }));
}

function edit(root: string, path: string, change: (text: string) => string): void {
  const before = readFileSync(join(root, path), "utf8");
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(join(root, path), after);
}

describe("export-books and verify-books", () => {
  it("writes books that bean-check and verify-books accept, also through the command line", async () => {
    expect(files(dir)).toEqual(
      expect.arrayContaining([
        "ledger.beancount",
        "journal.csv",
        "MANIFEST.json",
        "log/entries.jsonl",
        "log/checkpoint",
        "keys/books.vkey",
        "keys/grants-signing-key.pem",
        "keys/keys.json",
        "reports/2026-02.json",
        "reports/2026-03.json",
        "documents/statements/ST-2026-000001.json",
      ]),
    );
    expect(files(dir).some((f) => /^documents\/invoices\/RCP-2026-000001\.(json|html|xml)$/.test(f))).toBe(true);
    const beancount = readFileSync(join(dir, "ledger.beancount"), "utf8");
    expect(beancount).toMatch(/\^invoice-RCP-2026-000001/);
    expect(beancount).toMatch(/^2026-03-01 balance Assets:Receivable:\d+ +\d+\.\d\d EUR$/m);
    expect(await verifyBooks(dir)).toBeNull();
    expect(await main(["node", "reciprocity", "verify-books", dir])).toBe(0);
    if (beanCheckPresent) execFileSync("bean-check", [join(dir, "ledger.beancount")]);
  });

  it("fails on one changed byte in any file", async () => {
    for (const path of files(dir)) {
      const root = copy();
      const bytes = readFileSync(join(root, path));
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      writeFileSync(join(root, path), bytes);
      expect(await verifyBooks(root), path).not.toBeNull();
      rmSync(root, { recursive: true });
    }
    const root = copy();
    writeFileSync(join(root, "journal.csv"), "changed");
    expect(await main(["node", "reciprocity", "verify-books", root])).toBe(1);
  });

  it("finds each kind of violation behind a re-signed manifest", async () => {
    const cases: [string, (root: string) => void, RegExp, boolean][] = [
      [
        "journal amount",
        (r) => edit(r, "journal.csv", (t) => t.replace(/,(\d+),EUR,/, (_m, n: string) => `,${Number(n) + 1},EUR,`)),
        /does not balance/,
        false,
      ],
      [
        "beancount balance",
        (r) =>
          edit(r, "ledger.beancount", (t) =>
            t.replace(/(balance Assets:Cash:Fund\s+)(\d+)/, (_m, a: string, n: string) => `${a}${Number(n) + 1}`),
          ),
        /balance of Assets:Cash:Fund/,
        true,
      ],
      [
        "beancount posting",
        (r) =>
          edit(r, "ledger.beancount", (t) =>
            t.replace(/(\n {2}Income:Fees\s+-)(\d+)/, (_m, a: string, n: string) => `${a}${Number(n) + 1}`),
          ),
        /differs from the journal/,
        true,
      ],
      ["log entry", (r) => edit(r, "log/entries.jsonl", (t) => t.replace(/"salt":"./, '"salt":"_')), /Merkle root differs/, false],
      [
        "invoice total",
        (r) =>
          edit(r, "documents/invoices/RCP-2026-000002.json", (t) =>
            t.replace(/"amountMinor": (\d+)/, (_m, n: string) => `"amountMinor": ${Number(n) + 1}`),
          ),
        /add up|differs from the log/,
        false,
      ],
      [
        "missing invoice",
        (r) => ["json", "html", "xml"].forEach((x) => rmSync(join(r, `documents/invoices/RCP-2026-000002.${x}`))),
        /invoices/,
        false,
      ],
      [
        "grant text",
        (r) =>
          edit(
            r,
            files(r).find((f) => f.startsWith("documents/grants/") && f.endsWith(".txt"))!,
            (t) => `${t} `,
          ),
        /signature does not verify/,
        false,
      ],
      [
        "report figure",
        (r) =>
          edit(r, "reports/2026-02.json", (t) =>
            t.replace(/("closing": \{\s+"amountMinor": )(\d+)/, (_m, a: string, n: string) => `${a}${Number(n) + 1}`),
          ),
        /reports\/2026-02\.json: fund\.closing differs/,
        false,
      ],
      [
        "report count",
        (r) =>
          edit(r, "reports/2026-03.json", (t) =>
            t.replace(/("invoiced": \{\s+"organizations": )(\d+)/, (_m, a: string, n: string) => `${a}${Number(n) + 1}`),
          ),
        /reports\/2026-03\.json: invoiced differs/,
        false,
      ],
      [
        "statement figure",
        (r) =>
          edit(r, "documents/statements/ST-2026-000001.json", (t) =>
            t.replace(/("allocated": \{\s+"amountMinor": )(\d+)/, (_m, a: string, n: string) => `${a}${Number(n) + 1}`),
          ),
        /ST-2026-000001\.json: opening \+ allocated − paid out is not the closing balance/,
        false,
      ],
      [
        "statement re-added up",
        (r) =>
          edit(r, "documents/statements/ST-2026-000001.json", (t) =>
            t
              .replace(/("allocated": \{\s+"amountMinor": )(\d+)/, (_m, a: string, n: string) => `${a}${Number(n) + 1}`)
              .replace(/("closing": \{\s+"amountMinor": )(\d+)/, (_m, a: string, n: string) => `${a}${Number(n) + 1}`),
          ),
        /ST-2026-000001\.json: the statement differs from its log entry/,
        false,
      ],
      [
        "report status",
        (r) => edit(r, "reports/2026-02.json", (t) => t.replace('"status": "final"', '"status": "provisional"')),
        /reports\/2026-02\.json: status differs/,
        false,
      ],
    ];
    for (const [name, spoil, expected, beanCheckFails] of cases) {
      const root = copy();
      spoil(root);
      resign(root);
      expect(await verifyBooks(root), name).toMatch(expected);
      if (beanCheckPresent && beanCheckFails) expect(spawnSync("bean-check", [join(root, "ledger.beancount")]).status, name).not.toBe(0);
      rmSync(root, { recursive: true });
    }
  });
});
