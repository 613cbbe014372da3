// Which SPDX license is this text? GitHub's own detection does not know the PPL, so the text is
// compared with the canonical SPDX texts from `spdx-license-list`: normalised, cut into word
// bigrams, scored with the Sørensen–Dice coefficient, reported in basis points.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface SpdxEntry {
  name: string;
  licenseText: string;
}

let fullList: Record<string, SpdxEntry> | undefined;
function spdxFull(): Record<string, SpdxEntry> {
  fullList ??= require("spdx-license-list/full") as Record<string, SpdxEntry>;
  return fullList;
}

export function canonicalLicenseText(spdxId: string): string {
  const entry = spdxFull()[spdxId];
  if (!entry) throw new Error(`unknown SPDX license ${spdxId}`);
  return entry.licenseText;
}

export function spdxLicenseName(spdxId: string): string | undefined {
  return spdxFull()[spdxId]?.name;
}

/** Lower case, typographic quotes and dashes folded, punctuation dropped, whitespace collapsed. */
export function normaliseLicenseText(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b`]/g, "'")
    .replace(/[\u201c\u201d\u201e]/g, '"')
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\bcopyright\b.*$/gm, " ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
}

function bigrams(words: string[]): Set<string> {
  const set = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) set.add(`${words[i]} ${words[i + 1]}`);
  return set;
}

function diceBps(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const g of small) if (large.has(g)) shared++;
  return Math.floor((2 * shared * 10_000) / (a.size + b.size));
}

const cache = new Map<string, { words: number; grams: Set<string> }>();
function canonical(id: string) {
  let entry = cache.get(id);
  if (!entry) {
    const words = normaliseLicenseText(spdxFull()[id]!.licenseText);
    entry = { words: words.length, grams: bigrams(words) };
    cache.set(id, entry);
  }
  return entry;
}

export interface Recognition {
  /** The best-matching SPDX id, or null when nothing is similar enough. */
  spdxId: string | null;
  /** Similarity to the best candidate, basis points (10000 = identical after normalisation). */
  similarityBps: number;
  /** Similarity to the PPL, whatever the best candidate. */
  pplSimilarityBps: number;
  bestCandidate: string | null;
}

/** A text is taken to be a license when it is at least this similar to the canonical text. */
export const RECOGNITION_THRESHOLD_BPS = 9_000;

export function recogniseLicense(text: string): Recognition {
  const words = normaliseLicenseText(text);
  const grams = bigrams(words);
  let best: string | null = null;
  let bestScore = 0;
  for (const id of Object.keys(spdxFull())) {
    // Texts of very different lengths cannot reach the threshold: skip them unscored.
    const len = canonical(id).words;
    if (len === 0 || words.length < len * 0.6 || words.length > len * 1.6) continue;
    const score = diceBps(grams, canonical(id).grams);
    if (score > bestScore) {
      bestScore = score;
      best = id;
    }
  }
  const ppl = diceBps(grams, canonical("PPL").grams);
  return {
    spdxId: bestScore >= RECOGNITION_THRESHOLD_BPS ? best : null,
    similarityBps: bestScore,
    pplSimilarityBps: ppl,
    bestCandidate: best,
  };
}
