// The transparency log end to end: facts appended with the business transactions, a signed
// checkpoint at /books/checkpoint, tiles, and an invoice's proof checked by a verifier written here
// from RFC 6962 and C2SP alone (it shares no code with the server).
import { createHash, createPublicKey, verify } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { api, makeUser, makeHarness, type Harness } from "../support/harness.js";
import { queryRows } from "../../src/db/sql.js";
import { billTwoMonths, distributeFebruary, type BooksStory } from "./books-story.js";

let h: Harness;
let story: BooksStory;
beforeEach(async () => {
  h = await makeHarness();
  story = await billTwoMonths(h);
});
afterEach(async () => {
  await h.close();
});

const sha = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();

/** RFC 6962 §2.1.1 read backwards: the root a leaf's audit path leads to, by recursion on the tree's shape. */
function rootFromPath(index: number, size: number, leaf: Buffer, path: Buffer[]): Buffer | null {
  if (size === 1) return path.length === 0 ? leaf : null;
  if (path.length === 0) return null;
  let k = 1;
  while (k * 2 < size) k *= 2;
  const sibling = path[path.length - 1]!;
  const rest = path.slice(0, -1);
  if (index < k) {
    const left = rootFromPath(index, k, leaf, rest);
    return left && sha(Buffer.from([1]), left, sibling);
  }
  const right = rootFromPath(index - k, size - k, leaf, rest);
  return right && sha(Buffer.from([1]), sibling, right);
}

/** C2SP signed-note verification with an Ed25519 vkey; returns the checkpoint's lines. */
function openCheckpoint(note: string, vkey: string): { origin: string; size: number; root: Buffer } {
  // name+id+base64 key: the base64 may itself hold '+'.
  const [name, idHex, ...keyParts] = vkey.trim().split("+");
  const keyB64 = keyParts.join("+");
  const key = Buffer.from(keyB64, "base64");
  expect(key[0]).toBe(1);
  expect(
    sha(Buffer.from(`${name}\n`), key)
      .subarray(0, 4)
      .toString("hex"),
  ).toBe(idHex);
  const [text, sigs] = note.split("\n\n");
  const line = sigs!.split("\n").find((l) => l.startsWith(`— ${name} `))!;
  const raw = Buffer.from(line.split(" ")[2]!, "base64");
  expect(raw.subarray(0, 4).toString("hex")).toBe(idHex);
  const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: key.subarray(1).toString("base64url") }, format: "jwk" });
  expect(verify(null, Buffer.from(`${text}\n`), publicKey, raw.subarray(4))).toBe(true);
  const [origin, size, root] = text!.split("\n");
  return { origin: origin!, size: Number(size), root: Buffer.from(root!, "base64") };
}

describe("the transparency log", () => {
  it("logs every fact, signs a checkpoint and proves an invoice's entries to its buyer", async () => {
    const kinds = await queryRows<{ kind: string; n: unknown }>(
      h.db,
      sql`select kind, count(*) as n from books_entries group by kind order by kind`,
    );
    expect(kinds.map((k) => k.kind)).toEqual(["grant_issued", "invoice_issued", "invoice_voided", "ledger_entry", "payment_recorded"]);
    const ledgerCount = await queryRows<{ n: unknown }>(h.db, sql`select count(*) as n from ledger_transactions`);
    expect(Number(kinds.find((k) => k.kind === "ledger_entry")!.n)).toBe(Number(ledgerCount[0]!.n));

    const vkey = (await api(h).get("/books/key").expect(200)).text;
    const proof = await api(h).get(`/api/v1/invoices/${story.paidNumber}/proof`).set(story.buyer.auth).expect(200);
    const checkpoint = openCheckpoint(proof.body.checkpoint.note as string, vkey);
    expect(checkpoint.origin).toBe("reciprocity.invalid/books");
    const entries = proof.body.entries as { index: number; kind: string; entry: string; proof: string[] }[];
    expect(new Set(entries.map((e) => e.kind))).toEqual(new Set(["invoice_issued", "ledger_entry", "payment_recorded", "grant_issued"]));
    for (const e of entries) {
      const leaf = sha(Buffer.from([0]), Buffer.from(e.entry, "utf8"));
      const root = rootFromPath(
        e.index,
        checkpoint.size,
        leaf,
        e.proof.map((p) => Buffer.from(p, "base64")),
      );
      expect(root?.equals(checkpoint.root), `entry ${e.index}`).toBe(true);
      expect(JSON.parse(e.entry)).toMatchObject({ fact: { invoiceId: expect.any(Number) }, salt: expect.stringMatching(/^[0-9a-f]{32}$/) });
      // A changed entry no longer leads to the root.
      const forged = sha(Buffer.from([0]), Buffer.from(e.entry.replace(/"salt":"./, '"salt":"_'), "utf8"));
      expect(
        rootFromPath(
          e.index,
          checkpoint.size,
          forged,
          e.proof.map((p) => Buffer.from(p, "base64")),
        )?.equals(checkpoint.root),
      ).toBe(false);
    }

    // Someone else's invoice is not found; the public checkpoint is the same signed note.
    const stranger = await makeUser(h);
    await api(h).get(`/api/v1/invoices/${story.paidNumber}/proof`).set(stranger.auth).expect(404);
    const published = await api(h).get("/books/checkpoint").expect(200);
    expect(openCheckpoint(published.text, vkey).size).toBeGreaterThanOrEqual(checkpoint.size);
  });

  it("serves hash tiles whose leaves give the checkpoint's root, and no entries unless public", async () => {
    const note = (await api(h).get("/books/checkpoint").expect(200)).text;
    const checkpoint = openCheckpoint(note, (await api(h).get("/books/key").expect(200)).text);
    expect(checkpoint.size).toBeGreaterThan(0);
    expect(checkpoint.size).toBeLessThan(256);
    const tile = await api(h)
      .get(`/books/tile/0/000.p/${checkpoint.size}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const body = tile.body as Buffer;
    expect(body.length).toBe(32 * checkpoint.size);
    let level = Array.from({ length: checkpoint.size }, (_, i) => body.subarray(32 * i, 32 * i + 32));
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(sha(Buffer.from([1]), level[i]!, level[i + 1]!));
      if (level.length % 2 === 1) next.push(level[level.length - 1]!);
      level = next;
    }
    expect(level[0]!.equals(checkpoint.root)).toBe(true);
    await api(h).get("/books/tile/0/000").expect(404);
    await api(h)
      .get(`/books/tile/0/000.p/${checkpoint.size + 1}`)
      .expect(404);
    await api(h).get(`/books/tile/entries/000.p/${checkpoint.size}`).expect(404);
  });

  it("logs refunds, revocations, fee schedules, policies, runs and payouts as their own facts", async () => {
    await distributeFebruary(h, story);
    const entries = await queryRows<{ kind: string; entry: string; invoice_id: unknown }>(
      h.db,
      sql`select kind, entry, invoice_id from books_entries order by leaf_index`,
    );
    const facts = (kind: string) =>
      entries.filter((e) => e.kind === kind).map((e) => JSON.parse(e.entry) as { kind: string; fact: Record<string, unknown> });
    for (const e of entries) expect(JSON.parse(e.entry).kind).toBe(e.kind);
    expect(facts("fee_schedule_saved")).toEqual([
      expect.objectContaining({
        fact: expect.objectContaining({
          action: "created",
          effectiveOn: "2026-05-01",
          bands: [{ minHeadcount: 1, annualFeeMinor: 10000 }],
        }),
      }),
    ]);
    expect(facts("distribution_policy_created")[0]!.fact).toMatchObject({
      effectiveOn: "2026-04-01",
      minimumPayoutMinor: 100,
      buckets: [
        { key: "licensors", kind: "licensors", shareBps: 9000 },
        { key: "reserve", kind: "reserve", shareBps: 1000 },
      ],
    });
    const [drafted] = facts("distribution_run_drafted");
    expect(drafted!.fact).toMatchObject({
      month: "2026-02",
      allocationCount: expect.any(Number),
      allocationsSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const [approved] = facts("distribution_run_approved");
    expect(approved!.fact).toMatchObject({ runId: drafted!.fact.runId, month: "2026-02", ledgerEntryId: expect.any(Number) });
    const [created] = facts("payout_batch_created");
    expect(created!.fact).toMatchObject({ payoutCount: 1, currency: "EUR", payoutsSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(created!.fact).not.toHaveProperty("iban");
    expect(facts("payout_batch_confirmed")[0]!.fact).toMatchObject({ batchId: created!.fact.batchId, ledgerEntryId: expect.any(Number) });
    expect(facts("payout_returned")[0]!.fact).toMatchObject({
      statusBefore: "confirmed",
      reason: "Account closed",
      ledgerEntryId: expect.any(Number),
    });
    const [refund] = facts("refund_recorded");
    expect(refund!.fact).toMatchObject({ number: story.paidNumber, currency: "EUR", paidOn: "2026-03-12" });
    const revoked = facts("grant_revoked");
    expect(revoked.length).toBeGreaterThan(0);
    expect(revoked.every((r) => r.fact.invoiceId === refund!.fact.invoiceId)).toBe(true);
    // The refund and the revocations are part of the invoice's proof.
    const proof = await api(h).get(`/api/v1/invoices/${story.paidNumber}/proof`).set(story.buyer.auth).expect(200);
    const kinds = new Set((proof.body.entries as { kind: string }[]).map((e) => e.kind));
    expect(kinds).toEqual(
      new Set(["invoice_issued", "ledger_entry", "payment_recorded", "grant_issued", "invoice_voided", "grant_revoked", "refund_recorded"]),
    );

    // The licensor's February statement is logged whole and proven to its owners against a signed checkpoint.
    const [issued] = facts("statement_issued");
    expect(issued!.fact).toMatchObject({ number: "ST-2026-000001", organizationId: story.licensorId, month: "2026-02", openingMinor: 0 });
    const statementPath = `/api/v1/organizations/${story.licensorId}/statements/2026-02`;
    const statement = await api(h).get(statementPath).set(story.buyer.auth).expect(200);
    expect(statement.body.number).toBe("ST-2026-000001");
    const sProof = await api(h).get(`${statementPath}/proof`).set(story.buyer.auth).expect(200);
    const vkey = (await api(h).get("/books/key").expect(200)).text;
    const checkpoint = openCheckpoint(sProof.body.checkpoint.note as string, vkey);
    const sEntries = sProof.body.entries as { index: number; kind: string; entry: string; proof: string[] }[];
    expect(sEntries.map((e) => e.kind)).toEqual(["statement_issued"]);
    const e = sEntries[0]!;
    expect(JSON.parse(e.entry).fact.closingMinor).toBe(statement.body.closing.amountMinor);
    const root = rootFromPath(
      e.index,
      checkpoint.size,
      sha(Buffer.from([0]), Buffer.from(e.entry, "utf8")),
      e.proof.map((p) => Buffer.from(p, "base64")),
    );
    expect(root?.equals(checkpoint.root)).toBe(true);
    await api(h)
      .get(`${statementPath}/proof`)
      .set((await makeUser(h)).auth)
      .expect(404);
  });
});
