// `reciprocity witness --log URL --state DIR`: fetches the log's checkpoint and hash tiles, checks
// that the new tree extends the last one this witness saw (an RFC 6962 consistency proof computed
// from the tiles and verified against both roots), and cosigns it. The log's key is trusted on
// first use and kept in the state; a checkpoint that rewrites history is refused, loudly.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { consistencyProof, rootOf, verifyConsistency, type Hash } from "./merkle.js";
import { noteSignerFromSeed, openNote, parseCheckpointBody, parseVkey, signNote, type Checkpoint } from "./note.js";
import { tilePath } from "./tiles.js";
import { TILE_WIDTH } from "./vocabulary.js";

export type WitnessOutcome =
  { status: "first"; size: number } | { status: "consistent"; from: number; size: number } | { status: "refused"; reason: string };

interface WitnessState {
  logKey: string;
  size: number;
  rootHash: string;
  witnessSeed: string;
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

/** The first `size` leaf hashes, from the level-0 tiles. */
async function fetchLeaves(base: string, size: number): Promise<Hash[]> {
  const leaves: Hash[] = [];
  for (let index = 0; index * TILE_WIDTH < size; index += 1) {
    const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
    const res = await fetch(`${base}/tile/${tilePath({ level: 0, index, width })}`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`tile 0/${index}: HTTP ${res.status}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length !== 32 * width) throw new Error(`tile 0/${index}: ${bytes.length} bytes, expected ${32 * width}`);
    for (let i = 0; i < width; i += 1) leaves.push(bytes.subarray(32 * i, 32 * i + 32));
  }
  return leaves;
}

function readState(dir: string): WitnessState | null {
  const file = join(dir, "state.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as WitnessState) : null;
}

/** Whether the tree `next` extends `seen`, by a consistency proof between the two roots. */
function extendsSeen(seen: WitnessState, next: Checkpoint, leaves: Hash[]): string | null {
  if (next.size < seen.size) return `the log shrank from ${seen.size} to ${next.size} entries`;
  const seenRoot = Buffer.from(seen.rootHash, "base64");
  if (next.size === seen.size) return next.rootHash.equals(seenRoot) ? null : `a different root for the same size ${next.size}`;
  const proof = consistencyProof(leaves, seen.size, next.size);
  return verifyConsistency(seen.size, next.size, seenRoot, next.rootHash, proof)
    ? null
    : `the tree of size ${next.size} does not extend the one of size ${seen.size} this witness signed`;
}

export async function witness(logUrl: string, stateDir: string): Promise<WitnessOutcome> {
  const base = logUrl.replace(/\/+$/, "");
  mkdirSync(stateDir, { recursive: true });
  const seen = readState(stateDir);
  const logKey = seen?.logKey ?? (await fetchText(`${base}/key`)).trim();
  const key = parseVkey(logKey);
  if (!key) return { status: "refused", reason: "the log's key is not an Ed25519 verifier key" };
  const note = await fetchText(`${base}/checkpoint`);
  const body = openNote(note, key);
  const next = body === null ? null : parseCheckpointBody(body);
  if (!next) return { status: "refused", reason: "the checkpoint is not signed by the log's key" };
  const leaves = await fetchLeaves(base, next.size);
  if (!rootOf(leaves).equals(next.rootHash)) return { status: "refused", reason: "the tiles do not give the checkpoint's root" };
  if (seen) {
    const problem = extendsSeen(seen, next, leaves);
    if (problem) return { status: "refused", reason: problem };
  }
  const witnessSeed = seen?.witnessSeed ?? randomBytes(32).toString("base64");
  const cosigner = noteSignerFromSeed(`witness-${key.name}`, Buffer.from(witnessSeed, "base64"));
  // The log's note with one more signature line: the witness's, over the same text.
  const cosignature = signNote(body!, [cosigner]).slice(body!.length + 1);
  writeFileSync(join(stateDir, "checkpoint"), note + cosignature);
  writeFileSync(join(stateDir, "witness.vkey"), `${cosigner.vkey}\n`);
  const state: WitnessState = { logKey, size: next.size, rootHash: next.rootHash.toString("base64"), witnessSeed };
  writeFileSync(join(stateDir, "state.json"), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return seen ? { status: "consistent", from: seen.size, size: next.size } : { status: "first", size: next.size };
}
