// Renditions of an invoice: printable HTML (handlebars) and EN 16931 UBL 2.1 following Peppol
// BIS Billing 3.0, generated and schema-checked by @e-invoice-eu/core.
import { createRequire } from "node:module";
import type { Invoice as EInvoice } from "@e-invoice-eu/core";
import { AppError, assert } from "../shared/errors.js";
import { invoiceStepMinor } from "../shared/currencies.js";
import { toDecimalString } from "../shared/money.js";
import { render } from "../templates.js";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { memberships, users } from "../db/schema.js";
import { monthBounds } from "../fees/compute-fees.js";
import type { InvoiceView } from "./invoices.queries.js";

/** The UBL of an invoice, with the buyer's first owner as its electronic address. */
export async function invoiceUblFor(db: Db, view: InvoiceView, sellerEmail: string): Promise<string> {
  const [owner] = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, view.organizationId), eq(memberships.role, "owner")))
    .orderBy(asc(users.id))
    .limit(1);
  return renderInvoiceUbl(view, { sellerEmail, buyerEmail: owner?.email ?? sellerEmail });
}

/** Where the invoice's cash went, by bucket (the buyer's web page shows it; the document itself does not). */
export interface InvoiceDistribution {
  month: string;
  collected: { formatted: string };
  run: { id: number; status: string } | null;
  buckets: { key: string; shareBps: number; amount: { formatted: string }; works: { slug: string; amount: { formatted: string } }[] }[];
}

export function renderInvoiceHtml(view: InvoiceView, extra: { sellerEmail: string; distribution?: InvoiceDistribution[] }): string {
  return render("invoice/invoice.html.hbs", {
    invoice: view,
    title: view.number ? `Invoice ${view.number}` : `Held invoice ${view.month}`,
    sellerEmail: extra.sellerEmail,
    isHeld: view.status === "held",
    isVoid: view.status === "void",
    hasPayments: view.payments.length > 0,
    hasRefundDue: view.refundDue.amountMinor > 0,
    hasRefunds: view.refunds.length > 0,
    distribution: (extra.distribution ?? []).map((d) => ({
      ...d,
      runText: d.run === null ? "waits for the month's distribution run" : d.run.status === "approved" ? "distributed" : "in a draft run",
      buckets: d.buckets.map((b) => ({ ...b, percent: b.shareBps / 100 })),
    })),
    hasDistribution: (extra.distribution ?? []).length > 0,
  });
}

const silentLogger = { log: () => {}, info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

interface UblGenerator {
  generate(doc: EInvoice): Promise<string | Uint8Array>;
}
let generator: Promise<UblGenerator> | undefined;

/**
 * The steps of @e-invoice-eu/core's `InvoiceService.generate` (validate with defaults filled, fill the
 * format's defaults, generate), with its JSON schema compiled once: the service compiles it on every call,
 * about a second each, which made exporting 10,000 invoices take hours. The schema validator is the
 * library's own Ajv (resolved from the library's folder) with the service's options. (The service also
 * coerces a string `cbc:Note` into an array: our documents give arrays.)
 */
async function ublGenerator(): Promise<UblGenerator> {
  const core = await import("@e-invoice-eu/core");
  const fromCore = createRequire(import.meta.resolve("@e-invoice-eu/core"));
  const { default: Ajv2019 } = fromCore("ajv/dist/2019") as { default: new (options: object) => { compile(schema: unknown): unknown } };
  const factory = new core.FormatFactoryService();
  const formatter = factory.createFormatService("UBL", silentLogger);
  const schema = structuredClone(core.invoiceSchema);
  formatter.patchSchema(schema);
  const validation = new core.ValidationService(silentLogger);
  const validator = new Ajv2019({ strict: true, allErrors: true, useDefaults: true }).compile(schema) as Parameters<
    typeof validation.validate<EInvoice>
  >[1];
  const options = { format: factory.normalizeFormat("UBL"), lang: "en-us", noWarnings: true };
  return {
    generate: (doc) => {
      const invoice = validation.validate<EInvoice>("invoice data", validator, structuredClone(doc));
      formatter.fillInvoiceDefaults(invoice);
      return formatter.generate(invoice, options);
    },
  };
}

const TAX_CATEGORY = { "cbc:ID": "O", "cac:TaxScheme": { "cbc:ID": "VAT" } };

export async function renderInvoiceUbl(view: InvoiceView, parties: { sellerEmail: string; buyerEmail: string }): Promise<string> {
  if (!view.number || !view.issuedOn || !view.dueOn)
    throw new AppError("invalid_state", "A held invoice has no number yet and no UBL rendition.");
  const cur = view.currency;
  // The invoice's period runs from the first day of the earliest month it bills (catch-up lines) to its month's end.
  const earliest = view.lines.reduce((m, l) => (l.month < m ? l.month : m), view.month);
  const period = { first: monthBounds(earliest).first, last: monthBounds(view.month).last };
  const party = (name: string, country: string, email: string) => ({
    "cbc:EndpointID": email,
    "cbc:EndpointID@schemeID": "EM",
    "cac:PostalAddress": { "cac:Country": { "cbc:IdentificationCode": country } },
    "cac:PartyLegalEntity": { "cbc:RegistrationName": name },
  });
  const creditNote = view.status === "void" && view.creditNote ? view.creditNote : null;
  const doc = {
    "ubl:Invoice": {
      "cbc:CustomizationID": "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
      "cbc:ProfileID": "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0",
      ...(creditNote ? creditNoteHeader(view, creditNote) : invoiceHeader(view)),
      "cbc:DocumentCurrencyCode": cur,
      "cbc:BuyerReference": `organization-${view.organizationId}`,
      "cac:InvoicePeriod": { "cbc:StartDate": period.first, "cbc:EndDate": period.last },
      ...(creditNote
        ? { "cac:BillingReference": [{ "cac:InvoiceDocumentReference": { "cbc:ID": view.number, "cbc:IssueDate": view.issuedOn } }] }
        : {}),
      "cac:AccountingSupplierParty": { "cac:Party": party(view.seller.name, view.seller.country, parties.sellerEmail) },
      "cac:AccountingCustomerParty": { "cac:Party": party(view.buyer.name, view.buyer.country ?? view.seller.country, parties.buyerEmail) },
      ...(creditNote ? {} : invoicePayment(view)),
      // A credit note credits the whole invoice; what had been paid is the refund due, paid out separately.
      ...ublAmounts(creditNote ? { ...view, paid: { ...view.paid, amountMinor: 0 } } : view),
    },
  } as unknown as EInvoice;
  // The UBL library costs about 60 MB and most of a second to load: only when a UBL rendition is asked for.
  generator ??= ublGenerator();
  const xml = await (await generator).generate(doc);
  return typeof xml === "string" ? xml : Buffer.from(xml).toString("utf8");
}

function invoiceHeader(view: InvoiceView) {
  return {
    "cbc:ID": view.number,
    "cbc:IssueDate": view.issuedOn,
    "cbc:DueDate": view.dueOn,
    "cbc:InvoiceTypeCode": "380",
    ...(view.note ? { "cbc:Note": [view.note] } : {}),
  };
}

/**
 * A void invoice renders as its credit note (UBL CreditNote, type 381): its own id (the invoice's
 * number and `-CN`), dated the day of the void, referring to the invoice it credits.
 */
function creditNoteHeader(view: InvoiceView, creditNote: NonNullable<InvoiceView["creditNote"]>) {
  return {
    "cbc:ID": `${view.number}-CN`,
    "cbc:IssueDate": creditNote.createdAt.slice(0, 10),
    "cbc:InvoiceTypeCode": "381",
    "cbc:Note": [`Credit note for invoice ${view.number}: ${creditNote.reason}`],
  };
}

function invoicePayment(view: InvoiceView) {
  return {
    "cac:PaymentMeans": [
      {
        "cbc:PaymentMeansCode": view.paymentInstructions?.iban ? "58" : "1",
        "cbc:PaymentID": view.number,
        ...(view.paymentInstructions?.iban
          ? { "cac:PayeeFinancialAccount": { "cbc:ID": view.paymentInstructions.iban.replace(/\s+/g, "") } }
          : {}),
      },
    ],
    "cac:PaymentTerms": { "cbc:Note": `Due ${view.dueOn}` },
  };
}

/**
 * An amount as EN 16931 writes it: at most two decimals. Invoices in three-decimal currencies count in
 * whole hundredths (invoiceStepMinor), so dropping the third digit loses nothing; anything else is a bug.
 */
function ublAmount(minor: number, currency: string): string {
  const step = invoiceStepMinor(currency);
  assert(minor % step === 0, `${currency} invoice amounts are whole hundredths`);
  const s = toDecimalString(minor, currency);
  return step === 1 ? s : s.slice(0, s.length - Math.log10(step));
}

/** Allowances (revenue caps), tax, totals and the fee lines of the UBL document. */
function ublAmounts(view: InvoiceView) {
  const cur = view.currency;
  const amt = (minor: number) => ublAmount(minor, cur);
  // Fee lines and rent lines (PRODUCT.md §14) are invoice lines; revenue caps are allowances.
  const feeLines = view.lines.filter((l) => l.kind !== "revenue_cap");
  const allowances = view.lines.filter((l) => l.kind === "revenue_cap");
  const lineTotal = feeLines.reduce((s, l) => s + l.amount.amountMinor, 0);
  const allowanceTotal = -allowances.reduce((s, l) => s + l.amount.amountMinor, 0);
  const total = view.total.amountMinor;
  const paid = view.paid.amountMinor;
  return {
    ...(allowances.length
      ? {
          "cac:AllowanceCharge": allowances.map((a) => ({
            "cbc:ChargeIndicator": "false",
            "cbc:AllowanceChargeReason": a.description,
            "cbc:Amount": amt(-a.amount.amountMinor),
            "cbc:Amount@currencyID": cur,
            "cac:TaxCategory": TAX_CATEGORY,
          })),
        }
      : {}),
    "cac:TaxTotal": [
      {
        "cbc:TaxAmount": amt(0),
        "cbc:TaxAmount@currencyID": cur,
        "cac:TaxSubtotal": [
          {
            "cbc:TaxableAmount": amt(total),
            "cbc:TaxableAmount@currencyID": cur,
            "cbc:TaxAmount": amt(0),
            "cbc:TaxAmount@currencyID": cur,
            "cac:TaxCategory": { "cbc:ID": "O", "cbc:TaxExemptionReason": "Not subject to VAT", "cac:TaxScheme": { "cbc:ID": "VAT" } },
          },
        ],
      },
    ],
    "cac:LegalMonetaryTotal": {
      "cbc:LineExtensionAmount": amt(lineTotal),
      "cbc:LineExtensionAmount@currencyID": cur,
      "cbc:TaxExclusiveAmount": amt(total),
      "cbc:TaxExclusiveAmount@currencyID": cur,
      "cbc:TaxInclusiveAmount": amt(total),
      "cbc:TaxInclusiveAmount@currencyID": cur,
      ...(allowanceTotal ? { "cbc:AllowanceTotalAmount": amt(allowanceTotal), "cbc:AllowanceTotalAmount@currencyID": cur } : {}),
      ...(paid ? { "cbc:PrepaidAmount": amt(paid), "cbc:PrepaidAmount@currencyID": cur } : {}),
      "cbc:PayableAmount": amt(total - paid),
      "cbc:PayableAmount@currencyID": cur,
    },
    "cac:InvoiceLine": feeLines.map((l, i) => ({
      "cbc:ID": String(i + 1),
      "cbc:InvoicedQuantity": "1",
      "cbc:InvoicedQuantity@unitCode": "C62",
      "cbc:LineExtensionAmount": amt(l.amount.amountMinor),
      "cbc:LineExtensionAmount@currencyID": cur,
      "cac:InvoicePeriod": { "cbc:StartDate": monthBounds(l.month).first, "cbc:EndDate": monthBounds(l.month).last },
      "cac:Item": {
        "cbc:Description": l.description,
        "cbc:Name": l.kind === "rent" ? "Rent of a productive asset" : `Commercial reciprocity license: ${l.workSlug ?? ""}`,
        "cac:ClassifiedTaxCategory": TAX_CATEGORY,
      },
      "cac:Price": { "cbc:PriceAmount": amt(l.amount.amountMinor), "cbc:PriceAmount@currencyID": cur },
    })),
  };
}
