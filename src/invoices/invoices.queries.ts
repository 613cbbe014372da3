import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { creditNotes, invoiceLines, invoices, memberships, organizations, payments, works, type InvoiceStatus } from "../db/schema.js";
import { AppError } from "../shared/errors.js";
import { moneyJson } from "../shared/money.js";
import type { AuthUser } from "../http/auth.js";

export type Invoice = typeof invoices.$inferSelect;

/** `RCP-2026-000001`, or the numeric id (held invoices have no number yet). */
export function findInvoice(db: Db, ref: string): Invoice | undefined {
  return /^\d+$/.test(ref)
    ? db
        .select()
        .from(invoices)
        .where(eq(invoices.id, Number(ref)))
        .get()
    : db.select().from(invoices).where(eq(invoices.number, ref)).get();
}

/** The invoice if the user may see it (the buyer's members and treasurers); 404 otherwise. */
export function requireInvoiceAccess(db: Db, user: Pick<AuthUser, "id" | "isTreasurer">, ref: string): Invoice {
  const invoice = findInvoice(db, ref);
  if (
    invoice &&
    (user.isTreasurer ||
      db
        .select()
        .from(memberships)
        .where(and(eq(memberships.organizationId, invoice.organizationId), eq(memberships.userId, user.id)))
        .get())
  )
    return invoice;
  throw new AppError("not_found", `Invoice ${ref} was not found.`);
}

export function paidMinor(db: Db, invoiceId: number): number {
  return db
    .select({ s: sql<number>`coalesce(sum(${payments.amountMinor}), 0)` })
    .from(payments)
    .where(eq(payments.invoiceId, invoiceId))
    .get()!.s;
}

export function creditedMinor(db: Db, invoiceId: number): number {
  return db
    .select({ s: sql<number>`coalesce(sum(${creditNotes.amountMinor}), 0)` })
    .from(creditNotes)
    .where(eq(creditNotes.invoiceId, invoiceId))
    .get()!.s;
}

/** What is still owed: nothing on a held or void invoice, else the total less payments and credits. */
export function outstandingOf(invoice: Pick<Invoice, "status" | "totalMinor">, paid: number, credited: number): number {
  return invoice.status === "held" || invoice.status === "void" ? 0 : invoice.totalMinor - paid - credited;
}

export function outstandingMinor(db: Db, invoice: Invoice): number {
  return outstandingOf(invoice, paidMinor(db, invoice.id), creditedMinor(db, invoice.id));
}

export interface SellerDetails {
  name: string;
  country: string;
  address: string;
  vatId: string | undefined;
  iban: string;
}

export function invoiceView(db: Db, invoice: Invoice, seller: SellerDetails) {
  const lines = db
    .select({ line: invoiceLines, slug: works.slug, title: works.title })
    .from(invoiceLines)
    .leftJoin(works, eq(works.id, invoiceLines.workId))
    .where(eq(invoiceLines.invoiceId, invoice.id))
    .orderBy(invoiceLines.position)
    .all();
  const paid = paidMinor(db, invoice.id);
  const credit = db.select().from(creditNotes).where(eq(creditNotes.invoiceId, invoice.id)).get();
  const pays = db.select().from(payments).where(eq(payments.invoiceId, invoice.id)).orderBy(payments.id).all();
  const m = (n: number) => moneyJson(n, invoice.currency);
  return {
    id: invoice.id,
    number: invoice.number,
    status: invoice.status,
    organizationId: invoice.organizationId,
    month: invoice.month,
    issuedOn: invoice.issuedOn,
    dueOn: invoice.dueOn,
    currency: invoice.currency,
    seller: { name: seller.name, country: seller.country, address: seller.address, vatId: seller.vatId ?? null },
    buyer: { organizationId: invoice.organizationId, name: invoice.buyerName, country: invoice.buyerCountry },
    lines: lines.map(({ line, slug }) => ({
      workSlug: line.kind === "fee" ? slug : null,
      kind: line.kind,
      description: line.description,
      amount: m(line.amountMinor),
      days: line.days,
      daysInMonth: line.daysInMonth,
      annualFee: line.annualFeeMinor === null ? null : m(line.annualFeeMinor),
    })),
    total: m(invoice.totalMinor),
    paid: m(paid),
    credited: m(credit?.amountMinor ?? 0),
    outstanding: m(outstandingOf(invoice, paid, credit?.amountMinor ?? 0)),
    note: invoice.note,
    paymentInstructions: paymentInstructions(invoice, paid, credit?.amountMinor ?? 0, seller),
    payments: pays.map((p) => ({ id: p.id, amount: m(p.amountMinor), paidOn: p.paidOn, reference: p.reference })),
    creditNote: credit ? { reason: credit.reason, amount: m(credit.amountMinor), createdAt: credit.createdAt } : null,
  };
}

export type InvoiceView = ReturnType<typeof invoiceView>;

function paymentInstructions(invoice: Invoice, paidMinor: number, creditedMinor: number, seller: SellerDetails) {
  if (invoice.number === null || invoice.status === "void") return null;
  const due = outstandingOf(invoice, paidMinor, creditedMinor);
  const text =
    due <= 0
      ? `Paid in full. Thank you.`
      : `Pay ${moneyJson(due, invoice.currency).formatted} to ${seller.name}${seller.iban ? `, IBAN ${seller.iban}` : ""}, quoting ${invoice.number}, by ${invoice.dueOn}.`;
  return { payee: seller.name, iban: seller.iban || null, reference: invoice.number, text };
}

export interface InvoiceFilter {
  status?: InvoiceStatus | undefined;
  month?: string | undefined;
  organizationId?: number | undefined;
  limit: number;
  offset: number;
}

export function listInvoices(db: Db, user: Pick<AuthUser, "id" | "isTreasurer">, f: InvoiceFilter) {
  const conditions: (SQL | undefined)[] = [
    f.status ? eq(invoices.status, f.status) : undefined,
    f.month ? eq(invoices.month, f.month) : undefined,
    f.organizationId ? eq(invoices.organizationId, f.organizationId) : undefined,
  ];
  if (!user.isTreasurer) {
    conditions.push(
      inArray(
        invoices.organizationId,
        db.select({ id: memberships.organizationId }).from(memberships).where(eq(memberships.userId, user.id)),
      ),
    );
  }
  const where = and(...conditions);
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(invoices)
    .where(where)
    .get()!.n;
  const rows = db
    .select({
      invoice: invoices,
      orgName: organizations.name,
      paid: sql<number>`(select coalesce(sum(amount_minor), 0) from payments p where p.invoice_id = ${invoices.id})`,
    })
    .from(invoices)
    .innerJoin(organizations, eq(organizations.id, invoices.organizationId))
    .where(where)
    .orderBy(desc(invoices.month), desc(invoices.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  return {
    total,
    invoices: rows.map(({ invoice, orgName, paid }) => ({
      id: invoice.id,
      number: invoice.number,
      status: invoice.status,
      organizationId: invoice.organizationId,
      organizationName: orgName,
      month: invoice.month,
      issuedOn: invoice.issuedOn,
      dueOn: invoice.dueOn,
      total: moneyJson(invoice.totalMinor, invoice.currency),
      // Credits exist only on void invoices, which owe nothing.
      outstanding: moneyJson(outstandingOf(invoice, paid, 0), invoice.currency),
    })),
  };
}
