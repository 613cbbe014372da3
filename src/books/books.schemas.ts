import { z } from "zod";

const base64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/);

export const invoiceProofResponse = z
  .strictObject({
    checkpoint: z.strictObject({
      origin: z.string(),
      treeSize: z.number().int().min(0),
      rootHash: base64Hash,
      note: z.string().describe("the C2SP signed note of the checkpoint"),
    }),
    logKey: z.string().describe("the log's C2SP verifier key (also at /books/key)"),
    entries: z.array(
      z.strictObject({
        index: z.number().int().min(0),
        kind: z.string(),
        entry: z.string().describe("the canonical JSON entry; its leaf hash is SHA-256(0x00 ‖ entry)"),
        leafHash: base64Hash,
        proof: z.array(base64Hash).describe("the RFC 6962 audit path, leaf to root"),
      }),
    ),
  })
  .meta({ id: "InvoiceProof" });
