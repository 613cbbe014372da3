// The Merkle tree of RFC 6962 §2.1 over SHA-256: leaf hash SHA-256(0x00‖entry), node hash
// SHA-256(0x01‖left‖right), the left subtree always the largest power of two below the size.
// Pure functions over leaf hashes; the log stores the leaf hashes and derives everything else.
import { createHash, hash } from "node:crypto";

export type Hash = Buffer;

export const EMPTY_ROOT: Hash = createHash("sha256").digest();

const NODE_PREFIX = Buffer.from([1]);

/** One-shot hashing, without a Hash object per leaf: a run's facts hash thousands of leaves at once. */
export function leafHash(entry: Buffer | string): Hash {
  // U+0000 is the one byte 0x00 in UTF-8.
  return hash("sha256", typeof entry === "string" ? `\u0000${entry}` : Buffer.concat([Buffer.from([0]), entry]), "buffer");
}

/** The leaf hash as hex, straight from the hash function (the form the log stores). */
export function leafHashHex(entry: string): string {
  return hash("sha256", `\u0000${entry}`, "hex");
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[0:n]) of RFC 6962, iteratively: one pass per level, the odd node carried up unchanged. */
export function rootOf(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  let level: Hash[] = [...leaves];
  while (level.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** PATH(m, D[0:n]) of RFC 6962 §2.1.1: the audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(leaves: readonly Hash[], index: number, size = leaves.length): Hash[] {
  if (!(Number.isInteger(index) && index >= 0 && index < size && size <= leaves.length)) throw new RangeError("index out of range");
  const path = (m: number, lo: number, n: number): Hash[] => {
    if (n === 1) return [];
    const k = split(n);
    if (m < k) return [...path(m, lo, k), rootOf(leaves.slice(lo + k, lo + n))];
    return [...path(m - k, lo + k, n - k), rootOf(leaves.slice(lo, lo + k))];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[0:n]) of RFC 6962 §2.1.2: proves the tree of size `first` is a prefix of the tree of size `second`. */
export function consistencyProof(leaves: readonly Hash[], first: number, second = leaves.length): Hash[] {
  if (!(Number.isInteger(first) && first >= 0 && first <= second && second <= leaves.length)) throw new RangeError("sizes out of range");
  if (first === 0 || first === second) return [];
  const subproof = (m: number, lo: number, n: number, complete: boolean): Hash[] => {
    if (m === n) return complete ? [] : [rootOf(leaves.slice(lo, lo + n))];
    const k = split(n);
    if (m <= k) return [...subproof(m, lo, k, complete), rootOf(leaves.slice(lo + k, lo + n))];
    return [...subproof(m - k, lo + k, n - k, false), rootOf(leaves.slice(lo, lo + k))];
  };
  return subproof(first, 0, second, true);
}

/** RFC 9162 §2.1.3.2: does `proof` lead from `leaf` at `index` to `root` in a tree of `size` leaves? */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!(Number.isInteger(index) && index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (first, firstRoot) is a prefix of (second, secondRoot)? */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, proof: readonly Hash[]): boolean {
  if (!(Number.isInteger(first) && Number.isInteger(second) && first >= 0 && first <= second)) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  const path = [...proof];
  if (path.some((p) => p.length !== 32) || path.length === 0) return false;
  // A first size that is a power of two: its root is the first node of the path.
  if ((first & (first - 1)) === 0) path.unshift(firstRoot);
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) [fn, sn] = [(fn - 1) / 2, Math.floor(sn / 2)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}
