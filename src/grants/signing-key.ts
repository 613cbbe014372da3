// The commune's Ed25519 key: grants are signed with it, anyone verifies them with the public key.
import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface Signer {
  publicKeyPem: string;
  fingerprint: string;
  sign(document: string): string;
  /** A secret for another purpose (CSRF, cookies) derived from the private key, so one key file serves. */
  deriveSecret(label: string): string;
}

export function signerFromPrivateKey(privateKey: KeyObject): Signer {
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const der = publicKey.export({ type: "spki", format: "der" });
  const derived = new Map<string, string>();
  return {
    publicKeyPem,
    fingerprint: `SHA256:${createHash("sha256").update(der).digest("base64url")}`,
    sign: (document) => sign(null, Buffer.from(document, "utf8"), privateKey).toString("base64"),
    // Asked for on every page that carries a form: derived once per label, not per request.
    deriveSecret: (label) => {
      let secret = derived.get(label);
      if (secret === undefined) {
        secret = createHmac("sha256", privateKey.export({ type: "pkcs8", format: "der" }))
          .update(label)
          .digest("base64url");
        derived.set(label, secret);
      }
      return secret;
    },
  };
}

/** Loads the PEM private key, generating it (mode 0600) on first start when missing. */
export function loadOrCreateSigner(path: string): Signer {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const { privateKey } = generateKeyPairSync("ed25519");
    writeFileSync(path, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  }
  const key = createPrivateKey(readFileSync(path));
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${path} is not an Ed25519 private key`);
  return signerFromPrivateKey(key);
}

export function verifySignature(publicKeyPem: string, document: string, signatureBase64: string): boolean {
  return verify(null, Buffer.from(document, "utf8"), createPublicKey(publicKeyPem), Buffer.from(signatureBase64, "base64"));
}

/** `SIGNING_KEY` (PEM) when set, so several instances sign with one key; else the key file. */
export function signerFromConfig(config: { SIGNING_KEY?: string | undefined; SIGNING_KEY_PATH: string }): Signer {
  if (config.SIGNING_KEY === undefined) return loadOrCreateSigner(config.SIGNING_KEY_PATH);
  const key = createPrivateKey(config.SIGNING_KEY.replace(/\\n/g, "\n"));
  if (key.asymmetricKeyType !== "ed25519") throw new Error("SIGNING_KEY is not an Ed25519 private key");
  return signerFromPrivateKey(key);
}
