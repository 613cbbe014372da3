// The one serialisation of a log entry: JSON with sorted keys, no whitespace, and only integers,
// strings, arrays and objects of them, so every implementation that re-encodes an entry gets the same
// bytes (floats, booleans and null have more than one spelling or none across languages).
import { assert } from "../shared/errors.js";

export type CanonicalValue = number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

/** Object keys as they open a member (`"key":`): a log's facts repeat a few dozen keys thousands of times. */
const memberHeads = new Map<string, string>();

function memberHead(key: string): string {
  let head = memberHeads.get(key);
  if (head === undefined) {
    head = `${JSON.stringify(key)}:`;
    // Keys are the code's own names; the bound only guards against a payload keyed by data.
    if (memberHeads.size < 10_000) memberHeads.set(key, head);
  }
  return head;
}

/**
 * An object's keys in UTF-16 code unit order (as `Array.prototype.sort` orders strings). A fact has a
 * dozen keys, often given in order: an insertion sort of so few is several times faster than `sort`.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** The canonical JSON text of `value`; refuses floats, unsafe integers, booleans, null and undefined. */
export function canonicalJson(value: CanonicalValue): string {
  if (typeof value === "number") {
    // Messages are built only on failure: a run's facts serialise tens of thousands of values.
    if (!Number.isSafeInteger(value)) assert(false, `canonical JSON holds safe integers only, got ${value}`);
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  // Plain loops and appends, for the same reason.
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += canonicalJson(value[i]!);
    }
    return out + "]";
  }
  if (value === null || typeof value !== "object") assert(false, `canonical JSON cannot hold ${typeof value} values`);
  const keys = sortedKeys(value);
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = value[key];
    if (v === undefined) assert(false, `canonical JSON key ${key} has no value`);
    if (i > 0) out += ",";
    out += memberHead(key);
    out += canonicalJson(v);
  }
  return out + "}";
}

/** A payload with optional fields: drops the keys whose value is null or undefined. */
export function withoutAbsent(record: Record<string, CanonicalValue | null | undefined>): Record<string, CanonicalValue> {
  const out: Record<string, CanonicalValue> = {};
  // Keys, not entries: a run's ledger entries drop absent fields from thousands of transfers.
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}
