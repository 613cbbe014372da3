// The log's own Ed25519 key, derived from the commune's signing key (one secret to keep and share
// between instances, yet a different key: a grant signature can never pass for a checkpoint's).
import type { Signer } from "../grants/signing-key.js";
import { noteSignerFromSeed, type NoteSigner } from "./note.js";

export interface BooksSettings {
  /** The log's origin line, also the key's name (e.g. `fund.example.org/books`). */
  origin: string;
  /** Serve full entries (data tiles) publicly; off by default: only hashes are public. */
  publicEntries: boolean;
}

export interface BooksLog extends BooksSettings {
  signer: NoteSigner;
}

export function booksLogFrom(signer: Signer, settings: BooksSettings): BooksLog {
  const seed = Buffer.from(signer.deriveSecret("reciprocity/books-log-key/v1"), "base64url");
  return { ...settings, signer: noteSignerFromSeed(settings.origin, seed) };
}

/** The origin from PUBLIC_URL's host and path, or a placeholder name when the server has no public URL. */
export function booksOrigin(publicUrl: string | undefined): string {
  if (!publicUrl) return "reciprocity.invalid/books";
  const url = new URL(publicUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, "")}/books`;
}
