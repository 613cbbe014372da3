// The tree against the Certificate Transparency reference vectors (RFC 6962 test data used by the
// CT implementations): roots of the first 1…8 leaves, inclusion and consistency proofs; then
// every proof of trees up to 40 leaves both ways, and tampered proofs refused.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  EMPTY_ROOT,
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from "../../src/books/merkle.js";
import { canonicalJson } from "../../src/books/canonical.js";

const hex = (b: Buffer) => b.toString("hex");
const LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((h) =>
  leafHash(Buffer.from(h, "hex")),
);
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

describe("RFC 6962 Merkle tree", () => {
  it("matches the reference roots", () => {
    expect(hex(EMPTY_ROOT)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (let n = 1; n <= 8; n += 1) expect(hex(rootOf(LEAVES.slice(0, n))), `size ${n}`).toBe(ROOTS[n - 1]);
  });

  it("gives the reference inclusion proofs", () => {
    expect(inclusionProof(LEAVES, 0, 8).map(hex)).toEqual([
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]);
    expect(inclusionProof(LEAVES, 5, 8).map(hex)).toEqual([
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]);
  });

  it("gives the reference consistency proofs", () => {
    expect(consistencyProof(LEAVES, 2, 8).map(hex)).toEqual([
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]);
    expect(consistencyProof(LEAVES, 6, 8).map(hex)).toEqual([
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]);
  });

  it("verifies every proof of every tree up to 40 leaves, and refuses tampered ones", () => {
    const leaves = Array.from({ length: 40 }, (_, i) => leafHash(`leaf ${i}`));
    const roots = Array.from({ length: 41 }, (_, n) => rootOf(leaves.slice(0, n)));
    for (let n = 1; n <= 40; n += 1) {
      for (let i = 0; i < n; i += 1) {
        const proof = inclusionProof(leaves, i, n);
        expect(verifyInclusion(leaves[i]!, i, n, proof, roots[n]!)).toBe(true);
        if (proof.length > 0) {
          const bad = proof.map((p) => Buffer.from(p));
          bad[0]![0]! ^= 1;
          expect(verifyInclusion(leaves[i]!, i, n, bad, roots[n]!)).toBe(false);
          expect(verifyInclusion(leaves[i]!, i, n, proof.slice(1), roots[n]!)).toBe(false);
        }
        expect(verifyInclusion(leafHash("another leaf"), i, n, proof, roots[n]!)).toBe(false);
      }
      for (let m = 0; m <= n; m += 1) {
        const proof = consistencyProof(leaves, m, n);
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof), `${m}→${n}`).toBe(true);
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, roots[m]!, roots[n - 1]!, proof)).toBe(false);
          expect(verifyConsistency(m, n, Buffer.alloc(32), roots[n]!, proof)).toBe(false);
        }
      }
    }
  });
});

describe("leaf hashes", () => {
  it("hash a text entry as its UTF-8 bytes after 0x00, as they hash the same bytes given as a buffer", () => {
    const entry = '{"fact":{"name":"Genossenschaft Süd 😀"},"kind":"x"}';
    const bytes = Buffer.from(entry, "utf8");
    const expected = createHash("sha256")
      .update(Buffer.from([0]))
      .update(bytes)
      .digest();
    expect(hex(leafHash(entry))).toBe(hex(expected));
    expect(hex(leafHash(bytes))).toBe(hex(expected));
  });
});

describe("canonical JSON", () => {
  it("sorts keys at every depth and holds integers and strings only", () => {
    expect(canonicalJson({ b: 1, a: [{ d: "x", c: 2 }] })).toBe('{"a":[{"c":2,"d":"x"}],"b":1}');
    expect(() => canonicalJson({ a: 1.5 })).toThrow();
    expect(() => canonicalJson({ a: true } as never)).toThrow();
    expect(() => canonicalJson({ a: null } as never)).toThrow();
    expect(() => canonicalJson({ a: 2 ** 60 })).toThrow();
  });

  it("orders keys by UTF-16 code units, sorted or not as given, and escapes keys and strings as JSON does", () => {
    const sorted = { A: 1, Z: "z", a: 'q"uote', "a\\b": 2, é: "é", "😀": "\n" };
    const expected = '{"A":1,"Z":"z","a":"q\\"uote","a\\\\b":2,"é":"é","😀":"\\n"}';
    expect(canonicalJson(sorted)).toBe(expected);
    const shuffled = { "😀": "\n", é: "é", "a\\b": 2, a: 'q"uote', Z: "z", A: 1 };
    expect(canonicalJson(shuffled)).toBe(expected);
    expect(canonicalJson([{ b: [], a: {} }])).toBe('[{"a":{},"b":[]}]');
    const many = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    const reversed = Object.fromEntries([...many].reverse().map((k, i) => [k, i]));
    expect(canonicalJson(reversed)).toBe(`{${many.map((k) => `"${k}":${39 - many.indexOf(k)}`).join(",")}}`);
  });
});
