import { and, count, desc, eq, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { lockForUpdate, queryRows, toInt } from "../db/sql.js";
import { creditNotes, invoiceLines, invoices, memberships, organizations, payments, refunds, works } from "../db/schema.js";
import { AppError } from "../shared/errors.js";
import { moneyJson } from "../shared/money.js";
import type { Actor } from "../shared/actor.js";
import type { InvoiceStatus } from "./vocabulary.js";
import { outstandingOf, PAYABLE_STATUSES } from "./invoice-rules.js";

export type Invoice = typeof invoices.$inferSelect;

export async function invoiceById(db: Db, id: number): Promise<Invoice | undefined> {
  const [invoice] = await db.select().from(invoices).where(eq(invoices.id, id)).limit(1);
  return invoice;
}

/** `RCP-2026-000001`, or the numeric id (held invoices have no number yet). */
export async function findInvoice(db: Db, ref: string): Promise<Invoice | undefined> {
  if (/^\d+$/.test(ref)) return invoiceById(db, Number(ref));
  const [invoice] = await db.select().from(invoices).where(eq(invoices.number, ref)).limit(1);
  return invoice;
}

/**
 * The invoice, its row locked until the transaction (`tx`) ends: whatever reads the invoice to decide
 * a change to it (a payment, a void, an issue) holds the lock from that read to the commit.
 */
export async function lockInvoice(tx: Db, id: number): Promise<Invoice | undefined> {
  const locked = await queryRows<{ id: unknown }>(tx, sql`select id from invoices where id = ${id}${lockForUpdate(tx)}`);
  return locked.length === 0 ? undefined : invoiceById(tx, id);
}

/** The invoice if the actor may see it (the buyer's members and treasurers); 404 otherwise. */
export async function requireInvoiceAccess(db: Db, actor: Actor, ref: string): Promise<Invoice> {
  const invoice = await findInvoice(db, ref);
  if (invoice && (actor.isTreasurer || (await isMember(db, invoice.organizationId, actor.id)))) return invoice;
  throw new AppError("not_found", `Invoice ${ref} was not found.`);
}

async function isMember(db: Db, organizationId: number, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .limit(1);
  return row !== undefined;
}

export async function paidMinor(db: Db, invoiceId: number): Promise<number> {
  const [row] = await db
    .select({ s: sql<number>`coalesce(sum(${payments.amountMinor}), 0)`.mapWith(toInt) })
    .from(payments)
    .where(eq(payments.invoiceId, invoiceId));
  return row?.s ?? 0;
}

export async function creditedMinor(db: Db, invoiceId: number): Promise<number> {
  const [row] = await db
    .select({ s: sql<number>`coalesce(sum(${creditNotes.amountMinor}), 0)`.mapWith(toInt) })
    .from(creditNotes)
    .where(eq(creditNotes.invoiceId, invoiceId));
  return row?.s ?? 0;
}

export async function refundedMinor(db: Db, invoiceId: number): Promise<number> {
  const [row] = await db
    .select({ s: sql<number>`coalesce(sum(${refunds.amountMinor}), 0)`.mapWith(toInt) })
    .from(refunds)
    .where(eq(refunds.invoiceId, invoiceId));
  return row?.s ?? 0;
}

/** What the fund still owes the buyer back: what a void invoice had been paid, less the refunds made. */
export const refundDueOf = (invoice: { status: InvoiceStatus }, paidMinor: number, refundedMinor: number): number =>
  invoice.status === "void" ? paidMinor - refundedMinor : 0;

export async function outstandingMinor(db: Db, invoice: Invoice): Promise<number> {
  return outstandingOf(invoice, await paidMinor(db, invoice.id), await creditedMinor(db, invoice.id));
}

/** Invoice numbers (or null while held) of the given ids. */
export async function invoiceNumbersOf(db: Db, ids: number[]): Promise<Map<number, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: invoices.id, number: invoices.number }).from(invoices).where(inArray(invoices.id, ids));
  return new Map(rows.map((r) => [r.id, r.number]));
}

export interface SellerDetails {
  name: string;
  country: string;
  address: string;
  vatId: string | undefined;
  iban: string;
}

export async function invoiceView(db: Db, invoice: Invoice, seller: SellerDetails) {
  const lines = await db
    .select({ line: invoiceLines, slug: works.slug, title: works.title })
    .from(invoiceLines)
    .leftJoin(works, eq(works.id, invoiceLines.workId))
    .where(eq(invoiceLines.invoiceId, invoice.id))
    .orderBy(invoiceLines.position);
  const paid = await paidMinor(db, invoice.id);
  const [credit] = await db.select().from(creditNotes).where(eq(creditNotes.invoiceId, invoice.id)).limit(1);
  const pays = await db.select().from(payments).where(eq(payments.invoiceId, invoice.id)).orderBy(payments.id);
  const backs = await db.select().from(refunds).where(eq(refunds.invoiceId, invoice.id)).orderBy(refunds.id);
  const refunded = backs.reduce((sum, r) => sum + r.amountMinor, 0);
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
      month: line.month,
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
    refunded: m(refunded),
    refundDue: m(refundDueOf(invoice, paid, refunded)),
    payments: pays.map((p) => ({ id: p.id, amount: m(p.amountMinor), paidOn: p.paidOn, reference: p.reference })),
    refunds: backs.map((r) => ({ id: r.id, amount: m(r.amountMinor), paidOn: r.paidOn, reference: r.reference })),
    creditNote: credit ? { reason: credit.reason, amount: m(credit.amountMinor), createdAt: credit.createdAt } : null,
  };
}

export type InvoiceView = Awaited<ReturnType<typeof invoiceView>>;

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
  /** Any of these statuses (with `status`, both must hold). */
  statuses?: readonly InvoiceStatus[] | undefined;
  /** Part of the number or of the organization's name, case-insensitive. */
  search?: string | undefined;
  /** Only invoices still payable after their due date, as of this ISO date. */
  overdueOn?: string | undefined;
  month?: string | undefined;
  organizationId?: number | undefined;
  limit: number;
  /** Keyset: only invoices after this one in the list's order (newest month first, then newest id). */
  after?: InvoiceKey | undefined;
  /** Also count every invoice the filter matches (one more query). */
  withTotal?: boolean | undefined;
}

/** An invoice's place in the list's order: its month, then its id. */
export interface InvoiceKey {
  month: string;
  id: number;
}

/** `like` on both engines, case-insensitive, the pattern's own `%`, `_` and `\` escaped. */
function searchCondition(text: string): SQL | undefined {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(sql`lower(${invoices.number}) like ${pattern} escape '\\'`, sql`lower(${organizations.name}) like ${pattern} escape '\\'`);
}

function invoiceConditions(db: Db, actor: Actor, f: InvoiceFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [
    f.status ? eq(invoices.status, f.status) : undefined,
    f.month ? eq(invoices.month, f.month) : undefined,
    f.organizationId ? eq(invoices.organizationId, f.organizationId) : undefined,
    f.statuses?.length ? inArray(invoices.status, [...f.statuses]) : undefined,
    f.search ? searchCondition(f.search) : undefined,
    f.overdueOn ? and(inArray(invoices.status, [...PAYABLE_STATUSES]), lt(invoices.dueOn, f.overdueOn)) : undefined,
  ];
  if (!actor.isTreasurer) {
    conditions.push(
      inArray(
        invoices.organizationId,
        db.select({ id: memberships.organizationId }).from(memberships).where(eq(memberships.userId, actor.id)),
      ),
    );
  }
  return and(...conditions);
}

/** Invoices the actor may see, newest month first (then newest id), a keyset page at a time (`invoices_month_id`). */
export async function listInvoices(db: Db, actor: Actor, f: InvoiceFilter) {
  const where = invoiceConditions(db, actor, f);
  const [counted] = f.withTotal
    ? await db.select({ n: count() }).from(invoices).innerJoin(organizations, eq(organizations.id, invoices.organizationId)).where(where)
    : [];
  const after = f.after
    ? or(lt(invoices.month, f.after.month), and(eq(invoices.month, f.after.month), lt(invoices.id, f.after.id)))
    : undefined;
  const rows = await db
    .select({
      invoice: invoices,
      orgName: organizations.name,
      paid: sql<number>`(select coalesce(sum(p.amount_minor), 0) from payments p where p.invoice_id = ${invoices.id})`.mapWith(toInt),
    })
    .from(invoices)
    .innerJoin(organizations, eq(organizations.id, invoices.organizationId))
    .where(and(where, after))
    .orderBy(desc(invoices.month), desc(invoices.id))
    .limit(f.limit);
  return {
    total: counted?.n ?? null,
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
      outstanding: moneyJson(outstandingOf(invoice, paid), invoice.currency),
    })),
  };
}
