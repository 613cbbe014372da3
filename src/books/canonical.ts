// The one serialisation of a log entry: JSON with sorted keys, no whitespace, and only integers,
// strings, arrays and objects of them, so every implementation that re-encodes an entry gets the same
// bytes (floats, booleans and null have more than one spelling or none across languages).
import { assert } from "../shared/errors.js";

export type CanonicalValue = number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

/** The canonical JSON text of `value`; refuses floats, unsafe integers, booleans, null and undefined. */
export function canonicalJson(value: CanonicalValue): string {
  if (typeof value === "number") {
    // Messages are built only on failure: a run's facts serialise tens of thousands of values.
    if (!Number.isSafeInteger(value)) assert(false, `canonical JSON holds safe integers only, got ${value}`);
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  // Plain loops, for the same reason.
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + canonicalJson(value[i]!);
    return out + "]";
  }
  if (value === null || typeof value !== "object") assert(false, `canonical JSON cannot hold ${typeof value} values`);
  const keys = Object.keys(value).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = value[key];
    if (v === undefined) assert(false, `canonical JSON key ${key} has no value`);
    out += `${i > 0 ? "," : ""}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return out + "}";
}

/** A payload with optional fields: drops the keys whose value is null or undefined. */
export function withoutAbsent(record: Record<string, CanonicalValue | null | undefined>): Record<string, CanonicalValue> {
  const out: Record<string, CanonicalValue> = {};
  for (const [key, value] of Object.entries(record)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}
