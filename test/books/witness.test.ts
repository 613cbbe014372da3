// A witness follows the log: first sight, then a consistent extension; a log that rewrote an entry
// (with its own key, tiles and all) or shrank is refused.
import type { Server } from "node:http";
import express from "express";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeHarness, tempDir, type Harness } from "../support/harness.js";
import { appendFacts } from "../../src/books/append-fact.js";
import { makeCheckpoint } from "../../src/books/make-checkpoint.js";
import { leafHash, rootOf } from "../../src/books/merkle.js";
import { checkpointBody, signNote } from "../../src/books/note.js";
import { tilePath } from "../../src/books/tiles.js";
import { witness } from "../../src/books/witness.js";

let h: Harness;
const servers: Server[] = [];
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  await h.close();
});

function listen(app: express.Express): Promise<string> {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
    });
    servers.push(server);
  });
}

async function append(n: number, tag: string): Promise<void> {
  await h.db.transaction(async (tx) => {
    await appendFacts(
      tx,
      Array.from({ length: n }, (_, i) => ({ kind: "fee_schedule_saved" as const, payload: { tag, i } })),
    );
  });
  await makeCheckpoint(h.db, h.deps.books, h.deps);
}

/** A log with the real key that serves a tree of its own choosing. */
async function forgedLog(leafCount: number, change: (i: number) => string): Promise<string> {
  const leaves = Array.from({ length: leafCount }, (_, i) => leafHash(change(i)));
  const app = express();
  app.get("/books/key", (_req, res) => void res.send(`${h.deps.books.signer.vkey}\n`));
  app.get("/books/checkpoint", (_req, res) => {
    const body = checkpointBody({ origin: h.deps.books.origin, size: leafCount, rootHash: rootOf(leaves) });
    res.send(signNote(body, [h.deps.books.signer]));
  });
  app.get("/books/tile/*path", (req, res) => {
    const path = req.params.path.join("/");
    for (let index = 0; index * 256 < leafCount; index += 1) {
      const width = Math.min(256, leafCount - index * 256);
      if (path === tilePath({ level: 0, index, width }))
        return void res.send(Buffer.concat(leaves.slice(index * 256, index * 256 + width)));
    }
    res.status(404).end();
  });
  return `${await listen(app)}/books`;
}

describe("the witness", () => {
  it("cosigns a log that grows and refuses one that rewrote or dropped entries", async () => {
    const url = `${await listen(h.app)}/books`;
    const state = tempDir();
    await append(300, "a");
    expect(await witness(url, state)).toEqual({ status: "first", size: 300 });
    await append(5, "b");
    expect(await witness(url, state)).toEqual({ status: "consistent", from: 300, size: 305 });
    expect(await witness(url, state)).toEqual({ status: "consistent", from: 305, size: 305 });

    const rewritten = await forgedLog(310, (i) => `forged ${i}`);
    const refused = await witness(rewritten, state);
    expect(refused).toMatchObject({ status: "refused", reason: expect.stringMatching(/does not extend/) });
    const shrunk = await forgedLog(3, (i) => `forged ${i}`);
    expect(await witness(shrunk, state)).toMatchObject({ status: "refused", reason: expect.stringMatching(/shrank/) });
    // The real log still follows on from what the witness signed.
    expect(await witness(url, state)).toEqual({ status: "consistent", from: 305, size: 305 });
  });
});
