// The mails the commune sends, each composed from the database after the change has committed:
// an invitation, the invoices a billing run issued, an invoice overdue, a payment received, a cooperative
// decision, a payout sent.
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { invoices, memberships, organizations, users, type payouts } from "../db/schema.js";
import { formatMoney } from "../shared/money.js";
import { outstandingMinor } from "../invoices/invoices.queries.js";
import type { Mailer } from "./mailer.js";

export interface NotifyDeps {
  db: Db;
  mailer: Mailer;
  /** The absolute address of the web pages, for links. */
  baseUrl: string;
  sellerIban?: string | undefined;
  sellerName: string;
}

/** The email addresses of an organization's members. */
async function memberEmails(db: Db, organizationId: number): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, organizationId))
    .orderBy(users.id);
  return rows.map((r) => r.email);
}

/** The email addresses of an organization's owners (who see its money: payee, payouts). */
async function ownerEmails(db: Db, organizationId: number): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, "owner")))
    .orderBy(users.id);
  return rows.map((r) => r.email);
}

const paymentTextOf = (deps: NotifyDeps, amount: string, number: string) =>
  `Pay ${amount} to ${deps.sellerName}${deps.sellerIban ? `, IBAN ${deps.sellerIban}` : ""}, quoting ${number}.`;

export async function notifyInvitation(
  deps: NotifyDeps,
  input: { email: string; secret: string; role: string; organizationName: string; inviterName: string; expiresAt: string },
): Promise<void> {
  await deps.mailer.send({
    to: [input.email],
    template: "invitation",
    view: {
      organizationName: input.organizationName,
      inviterName: input.inviterName,
      role: input.role,
      expiresOn: input.expiresAt.slice(0, 10),
      link: `${deps.baseUrl}/invitations/${input.secret}`,
    },
  });
}

/** One mail per invoice that a billing run issued, to the buyer's members. */
export async function notifyInvoicesIssued(deps: NotifyDeps, billingRunId: number): Promise<number> {
  const rows = await deps.db
    .select({ invoice: invoices, organizationName: organizations.name })
    .from(invoices)
    .innerJoin(organizations, eq(organizations.id, invoices.organizationId))
    .where(and(eq(invoices.billingRunId, billingRunId), isNotNull(invoices.number), inArray(invoices.status, ["issued"])))
    .orderBy(invoices.id);
  for (const { invoice, organizationName } of rows) {
    const total = formatMoney(invoice.totalMinor, invoice.currency);
    await deps.mailer.send({
      to: await memberEmails(deps.db, invoice.organizationId),
      template: "invoice-issued",
      view: {
        organizationName,
        number: invoice.number,
        month: invoice.month,
        total,
        dueOn: invoice.dueOn ?? "",
        paymentText: paymentTextOf(deps, total, invoice.number ?? ""),
        link: `${deps.baseUrl}/invoices/${invoice.number}`,
      },
    });
  }
  return rows.length;
}

export async function notifyPaymentReceived(
  deps: NotifyDeps,
  input: { invoiceId: number; amountMinor: number; reference: string; paidOn: string },
): Promise<void> {
  const [invoice] = await deps.db.select().from(invoices).where(eq(invoices.id, input.invoiceId)).limit(1);
  if (!invoice?.number) return;
  await deps.mailer.send({
    to: await memberEmails(deps.db, invoice.organizationId),
    template: "payment-received",
    view: {
      number: invoice.number,
      amount: formatMoney(input.amountMinor, invoice.currency),
      reference: input.reference,
      paidOn: input.paidOn,
      outstanding: formatMoney(await outstandingMinor(deps.db, invoice), invoice.currency),
      link: `${deps.baseUrl}/invoices/${invoice.number}`,
    },
  });
}

export async function notifyCooperativeDecision(
  deps: NotifyDeps,
  input: { organizationId: number; decision: "verified" | "rejected"; reason: string },
): Promise<void> {
  const [org] = await deps.db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, input.organizationId));
  if (!org) return;
  await deps.mailer.send({
    to: await memberEmails(deps.db, input.organizationId),
    template: "cooperative-decision",
    view: {
      organizationName: org.name,
      decision: input.decision,
      rejected: input.decision === "rejected",
      reason: input.reason,
      link: `${deps.baseUrl}/organizations/${input.organizationId}`,
    },
  });
}

/** One reminder per invoice (claimed by `claimOverdueInvoices`), to the buyer's members. */
export async function notifyInvoicesOverdue(deps: NotifyDeps, invoiceIds: number[]): Promise<number> {
  let sent = 0;
  for (const id of invoiceIds) {
    const [row] = await deps.db
      .select({ invoice: invoices, organizationName: organizations.name })
      .from(invoices)
      .innerJoin(organizations, eq(organizations.id, invoices.organizationId))
      .where(eq(invoices.id, id));
    const number = row?.invoice.number;
    if (!row || !number) continue;
    const { invoice, organizationName } = row;
    const outstanding = formatMoney(await outstandingMinor(deps.db, invoice), invoice.currency);
    await deps.mailer.send({
      to: await memberEmails(deps.db, invoice.organizationId),
      template: "invoice-overdue",
      view: {
        organizationName,
        number,
        month: invoice.month,
        dueOn: invoice.dueOn ?? "",
        outstanding,
        paymentText: paymentTextOf(deps, outstanding, number),
        link: `${deps.baseUrl}/invoices/${number}`,
      },
    });
    sent += 1;
  }
  return sent;
}

/** One mail per payout the bank confirmed, to the payee organization's owners. */
export async function notifyPayoutsSent(deps: NotifyDeps, sent: (typeof payouts.$inferSelect)[]): Promise<void> {
  for (const p of sent) {
    const [org] = await deps.db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, p.organizationId));
    await deps.mailer.send({
      to: await ownerEmails(deps.db, p.organizationId),
      template: "payout-sent",
      view: {
        organizationName: org?.name ?? p.legalName,
        amount: formatMoney(p.amountMinor, p.currency),
        legalName: p.legalName,
        ibanEnd: p.iban.slice(-4),
        endToEndId: p.endToEndId,
        link: `${deps.baseUrl}/organizations/${p.organizationId}/income`,
      },
    });
  }
}
