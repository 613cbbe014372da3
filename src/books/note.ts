// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, the checkpoint body of
// c2sp.org/tlog-checkpoint, and verifier keys (vkeys). Pure; used by the server, the export,
// `verify-books` and the witness alike.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

const ED25519_ALG = 0x01;
// DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410) as PKCS #8 and SPKI.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export interface NoteSigner {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
  vkey: string;
  sign(message: Buffer): Buffer;
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

/** The 4-byte key id: SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[:4]. */
export function keyIdOf(name: string, publicKey: Buffer): Buffer {
  return createHash("sha256")
    .update(Buffer.concat([Buffer.from(`${name}\n`, "utf8"), Buffer.from([ED25519_ALG]), publicKey]))
    .digest()
    .subarray(0, 4);
}

/** A note signer from a 32-byte Ed25519 seed; the key name is the log's origin. */
export function noteSignerFromSeed(name: string, seed: Buffer): NoteSigner {
  const privateKey: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length);
  const keyId = keyIdOf(name, publicKey);
  return {
    name,
    keyId,
    publicKey,
    vkey: `${name}+${keyId.toString("hex")}+${Buffer.concat([Buffer.from([ED25519_ALG]), publicKey]).toString("base64")}`,
    sign: (message) => sign(null, message, privateKey),
  };
}

export interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
}

/** Parses `<name>+<hex key id>+<base64(0x01 ‖ key)>`; null when it is not an Ed25519 vkey whose id matches. */
export function parseVkey(text: string): VerifierKey | null {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!match) return null;
  const raw = Buffer.from(match[3]!, "base64");
  if (raw.length !== 33 || raw[0] !== ED25519_ALG) return null;
  const publicKey = raw.subarray(1);
  const keyId = keyIdOf(match[1]!, publicKey);
  if (keyId.toString("hex") !== match[2]) return null;
  return { name: match[1]!, keyId, publicKey };
}

export function verifyEd25519(publicKey: Buffer, message: Buffer, signature: Buffer): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: "der", type: "spki" });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

export function checkpointBody(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.rootHash.toString("base64")}\n`;
}

/** The signed note: the text, a blank line, then one `— <name> <base64(key id ‖ signature)>` line per signer. */
export function signNote(text: string, signers: NoteSigner[]): string {
  const lines = signers.map((s) => `— ${s.name} ${Buffer.concat([s.keyId, s.sign(Buffer.from(text, "utf8"))]).toString("base64")}\n`);
  return `${text}\n${lines.join("")}`;
}

export interface ParsedNote {
  text: string;
  signatures: { name: string; keyId: Buffer; signature: Buffer }[];
}

export function parseNote(note: string): ParsedNote | null {
  const at = note.lastIndexOf("\n\n");
  if (at < 0 || !note.endsWith("\n")) return null;
  const text = note.slice(0, at + 1);
  const signatures: ParsedNote["signatures"] = [];
  for (const line of note.slice(at + 2, -1).split("\n")) {
    const match = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match) return null;
    const raw = Buffer.from(match[2]!, "base64");
    if (raw.length < 5) return null;
    signatures.push({ name: match[1]!, keyId: raw.subarray(0, 4), signature: raw.subarray(4) });
  }
  return { text, signatures };
}

/** The note's text when `key` signed it, else null. */
export function openNote(note: string, key: VerifierKey): string | null {
  const parsed = parseNote(note);
  if (!parsed) return null;
  const ok = parsed.signatures.some(
    (s) => s.name === key.name && s.keyId.equals(key.keyId) && verifyEd25519(key.publicKey, Buffer.from(parsed.text, "utf8"), s.signature),
  );
  return ok ? parsed.text : null;
}

export function parseCheckpointBody(text: string): Checkpoint | null {
  const match = /^([^\n]+)\n(0|[1-9]\d{0,15})\n([A-Za-z0-9+/]{43}=)\n/.exec(text);
  if (!match) return null;
  return { origin: match[1]!, size: Number(match[2]), rootHash: Buffer.from(match[3]!, "base64") };
}
