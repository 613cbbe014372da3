// The mails the commune sends, each composed from the database after the change has committed:
// an invitation, the invoices a billing run issued, a payment received, a cooperative decision.
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { invoices, memberships, organizations, users } from "../db/schema.js";
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
        paymentText: `Pay ${total} to ${deps.sellerName}${deps.sellerIban ? `, IBAN ${deps.sellerIban}` : ""}, quoting ${invoice.number}.`,
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
