// The log as C2SP serves it (`/books/checkpoint`, `/books/key`, `/books/tile/…`, at the root) and
// the invoice proofs of the API.
import type { Express, Request, Response } from "express";
import type { AppDeps } from "../deps.js";
import type { ApiRouter } from "../http/route.js";
import { AppError } from "../shared/errors.js";
import { invoiceNumberParam } from "../invoices/invoices.schemas.js";
import { requireInvoiceAccess } from "../invoices/invoices.queries.js";
import { latestCheckpoint } from "./books.queries.js";
import { invoiceProofResponse, reportMonthParam, transparencyReportResponse } from "./books.schemas.js";
import { transparencyReport } from "./transparency-report.js";
import { isoNow, today } from "../shared/clock.js";
import { invoiceProof } from "./invoice-proof.js";
import { makeCheckpoint } from "./make-checkpoint.js";
import { entryBundle, hashTile, parseTilePath, tileExists } from "./tiles.js";

export function registerBooksLogRoutes(app: Express, deps: AppDeps): void {
  app.get("/books/key", (_req, res) => {
    res.type("text/plain").set("Cache-Control", "public, max-age=3600").send(`${deps.books.signer.vkey}\n`);
  });
  app.get("/books/checkpoint", async (_req, res) => {
    const checkpoint = (await latestCheckpoint(deps.db)) ?? (await makeCheckpoint(deps.db, deps.books, deps));
    res.type("text/plain").set("Cache-Control", "no-cache").send(checkpoint.note);
  });
  app.get("/books/tile/*path", async (req: Request, res: Response) => {
    const segments = (req.params as { path?: string[] }).path ?? [];
    const ref = parseTilePath(segments.join("/"));
    if (!ref) throw new AppError("not_found", "No such tile.");
    if (ref.level === "entries" && !deps.books.publicEntries)
      throw new AppError("not_found", "This log publishes hashes only; its entries are not public.");
    const size = (await latestCheckpoint(deps.db))?.treeSize ?? 0;
    if (!tileExists(ref, size)) throw new AppError("not_found", "No such tile in the latest checkpoint.");
    const bytes = ref.level === "entries" ? await entryBundle(deps.db, ref) : await hashTile(deps.db, { ...ref, level: ref.level });
    // Full tiles never change; a partial one is replaced by a wider one later.
    const immutable = ref.width === 256;
    res
      .type("application/octet-stream")
      .set("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache")
      .send(bytes);
  });
}

export function registerBooksRoutes(api: ApiRouter, deps: AppDeps): void {
  api.route(
    {
      method: "get",
      path: "/invoices/{number}/proof",
      tag: "books",
      summary: "Inclusion proofs of the invoice's transparency-log entries against a signed checkpoint",
      auth: "user",
      params: invoiceNumberParam,
      responses: { 200: { description: "The entries and their audit paths", schema: invoiceProofResponse } },
    },
    async ({ params, user, res }) => {
      const invoice = await requireInvoiceAccess(deps.db, user, params.number);
      res.json(await invoiceProof(deps.db, deps.books, invoice.id, deps));
    },
  );
  api.route(
    {
      method: "get",
      path: "/public/reports/{month}",
      tag: "books",
      summary: "The month's transparency report (public; provisional until the month's distribution is approved)",
      auth: "public",
      params: reportMonthParam,
      responses: { 200: { description: "The report", schema: transparencyReportResponse } },
    },
    async ({ params, res }) => {
      if (params.month > today(deps.clock).slice(0, 7)) throw new AppError("not_found", "That month has not begun.");
      res.json(await transparencyReport(deps.db, params.month, { origin: deps.books.origin, now: isoNow(deps.clock) }));
    },
  );
}
