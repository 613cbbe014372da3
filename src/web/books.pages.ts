// The treasurer's download of the books: the export of `reciprocity export-books` written to a
// temporary folder, streamed as one ustar archive (`reciprocity-books-{date}.tar`), then removed.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Router } from "express";
import type { AppDeps } from "../deps.js";
import { today } from "../shared/clock.js";
import { exportBooks } from "../books/export-books.js";
import { tarFolder } from "../books/tar.js";
import { sellerOf } from "../billing/billing.routes.js";
import { requireTreasurer } from "./guards.js";

export function registerBooksDownload(app: Router, deps: AppDeps): void {
  app.get("/treasury/books.tar", async (req, res) => {
    requireTreasurer(req);
    const dir = await mkdtemp(join(tmpdir(), "reciprocity-books-"));
    try {
      await exportBooks(deps.db, dir, {
        books: deps.books,
        signer: deps.signer,
        clock: deps.clock,
        seller: sellerOf(deps.config),
        sellerEmail: deps.config.SELLER_EMAIL,
      });
      const name = `reciprocity-books-${today(deps.clock)}`;
      res.type("application/x-tar").set("Content-Disposition", `attachment; filename="${name}.tar"`).set("Cache-Control", "no-store");
      await pipeline(Readable.from(tarFolder(dir, name, deps.clock.now())), res);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
