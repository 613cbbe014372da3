// C2SP tlog-tiles (c2sp.org/tlog-tiles): the tree's hashes in tiles of 256, and entry bundles.
// A level-L tile holds the hashes of complete subtrees of 256^L leaves; tiles are derived on request
// from the stored leaf hashes, within what the latest checkpoint covers. Full tiles never change.
import type { Db } from "../db/client.js";
import { entriesBetween, leafHashes } from "./books.queries.js";
import { rootOf } from "./merkle.js";
import { TILE_WIDTH } from "./vocabulary.js";

export interface TileRef {
  /** A hash level 0…, or "entries" for a data tile. */
  level: number | "entries";
  index: number;
  /** 1…256; 256 for a full tile. */
  width: number;
}

/** Parses the path after `tile/`: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, N in groups `x001/x234/067`. */
export function parseTilePath(path: string): TileRef | null {
  const match = /^(entries|[0-9]|[1-5][0-9]|6[0-3])\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d{1,3}))?$/.exec(path);
  if (!match) return null;
  const width = match[3] === undefined ? TILE_WIDTH : Number(match[3]);
  if (!(width >= 1 && width < TILE_WIDTH) && match[3] !== undefined) return null;
  if (String(width) !== (match[3] ?? String(TILE_WIDTH))) return null;
  const index = Number(match[2]!.replace(/x|\//g, ""));
  if (!Number.isSafeInteger(index)) return null;
  return { level: match[1] === "entries" ? "entries" : Number(match[1]), index, width };
}

export function tilePath(ref: TileRef): string {
  const digits = String(ref.index).padStart(3 * Math.max(1, Math.ceil(String(ref.index).length / 3)), "0");
  const groups = digits.match(/\d{3}/g)!;
  const n = groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join("/");
  return `${ref.level}/${n}${ref.width < TILE_WIDTH ? `.p/${ref.width}` : ""}`;
}

/** How many hashes the tree of `size` leaves has at tile level `level` (complete subtrees of 256^level leaves). */
function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** Whether the tree of `size` leaves has this tile: a full tile, or the partial one of exactly this width. */
export function tileExists(ref: TileRef, size: number): boolean {
  const count = ref.level === "entries" ? size : hashesAtLevel(size, ref.level);
  const available = Math.min(TILE_WIDTH, count - ref.index * TILE_WIDTH);
  return ref.width === TILE_WIDTH ? available >= TILE_WIDTH : available === ref.width;
}

/** The tile's bytes: concatenated 32-byte hashes. */
export async function hashTile(db: Db, ref: TileRef & { level: number }): Promise<Buffer> {
  const span = TILE_WIDTH ** ref.level;
  const first = ref.index * TILE_WIDTH * span;
  const leaves = await leafHashes(db, first, first + ref.width * span);
  const hashes = [];
  for (let i = 0; i < ref.width; i += 1) hashes.push(rootOf(leaves.slice(i * span, (i + 1) * span)));
  return Buffer.concat(hashes);
}

/** The data tile: each entry as a big-endian 16-bit length and its bytes. */
export async function entryBundle(db: Db, ref: TileRef): Promise<Buffer> {
  const first = ref.index * TILE_WIDTH;
  const rows = await entriesBetween(db, first, first + ref.width);
  return Buffer.concat(
    rows.flatMap((r) => {
      const bytes = Buffer.from(r.entry, "utf8");
      const length = Buffer.alloc(2);
      length.writeUInt16BE(bytes.length);
      return [length, bytes];
    }),
  );
}
