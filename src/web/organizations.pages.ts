import type { Request, Response, Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { ORGANIZATION_KINDS } from "../organizations/vocabulary.js";
import { USAGE_PURPOSES } from "../usage/vocabulary.js";
import { isoDateSchema, plainText } from "../shared/schemas.js";
import { today } from "../shared/clock.js";
import { createOrganization } from "../organizations/create-organization.js";
import { recordSizeFacts } from "../organizations/record-size-facts.js";
import { listOrganizationsFor, membershipOf, organizationView } from "../organizations/organizations.queries.js";
import { submitCooperativeEvidence } from "../organizations/submit-cooperative-evidence.js";
import { listUsages } from "../usage/usage.queries.js";
import { listInvoices, invoiceView, requireInvoiceAccess, type InvoiceKey } from "../invoices/invoices.queries.js";
import { invoiceUblFor, renderInvoiceHtml } from "../invoices/render-invoice.js";
import { INVOICE_REF_PATTERN, PAYABLE_STATUSES } from "../invoices/invoice-rules.js";
import { sellerOf } from "../billing/billing.routes.js";
import { invoiceDistribution } from "../distribution/invoice-distribution.queries.js";
import { grantKeyFromCursor, grantKeyOf, listGrants } from "../grants/grants.queries.js";
import { grantsCursor } from "../grants/grants.schemas.js";
import { usagesFromCheck } from "../checks/save-check.js";
import { cooperativeEvidenceBody } from "../organizations/organizations.schemas.js";
import { emptyForm, formBody, formFromError, formFromNotice, moneyFromForm, optionalText, parseForm, type FormState } from "./forms.js";
import { registerInvitationPages } from "./invitations.pages.js";
import { openInvitations } from "../organizations/invitations.js";
import { endUsage } from "../usage/declare-usage.js";
import { isOverdue } from "../invoices/invoice-rules.js";
import { moneyJson } from "../shared/money.js";
import { isoNow } from "../shared/clock.js";
import { readableDate } from "./format.js";
import { encodeCursor, pageCursorOf } from "../http/pagination.js";
import type { Actor } from "../shared/actor.js";
import { invoiceCursorOf } from "./treasury-invoices.pages.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { idParam, requireOrganizationMember, requireSignedIn } from "./guards.js";

const orgForm = z.object({
  name: plainText(z.string().trim().min(1, "is required").max(200)),
  kind: z.enum(ORGANIZATION_KINDS, { error: "choose a kind" }),
  country: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Z]{2}$/, "must be two capital letters, e.g. DE")
      .optional(),
  ),
  githubLogins: optionalText,
  jurisdiction: optionalText,
  registryNumber: optionalText,
  bylawsUrl: optionalText,
  workerOwnerCount: optionalText,
  distributesAllSurplus: z.string().optional(),
});

const factsForm = z.object({
  effectiveOn: isoDateSchema,
  headcount: z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(0, "must not be negative")
    .max(10_000_000),
  revenue: optionalText,
  currency: z.string().default("EUR"),
  evidenceUrl: optionalText.pipe(
    z
      .url({ protocol: /^https?$/, error: "must be an http(s) address" })
      .max(2000)
      .optional(),
  ),
  evidenceNote: optionalText.pipe(z.string().max(2000).optional()),
});

/** Cooperative evidence from the organization and resubmission forms (the checkbox sends "yes"). */
function evidenceFromForm(v: Record<string, unknown>) {
  const text = (name: string) => (typeof v[name] === "string" ? v[name].trim() : "");
  return parseForm(cooperativeEvidenceBody, {
    jurisdiction: text("jurisdiction"),
    registryNumber: text("registryNumber"),
    bylawsUrl: text("bylawsUrl"),
    workerOwnerCount: Number(text("workerOwnerCount") || 0),
    distributesAllSurplus: v.distributesAllSurplus === "yes",
  });
}

/** "worker_cooperative" reads "worker cooperative". */
const kindLabel = (kind: string): string => kind.replace("_", " ");

type OrgPage = (req: Request, res: Response, factsForm: FormState, status?: number) => Promise<void>;

export function registerOrganizationPages(app: Router, deps: AppDeps): void {
  registerOrganizationList(app, deps);
  const orgPage = organizationPage(deps);
  app.get("/organizations/:id", (req, res) => orgPage(req, res, emptyForm({ effectiveOn: today(deps.clock), currency: "EUR" })));
  registerOrganizationForms(app, deps, orgPage);
  registerOrganizationActions(app, deps);
  registerInvoicePages(app, deps);
  registerInvitationPages(app, deps);
}

function registerOrganizationList(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;
  const kinds = (selected: unknown) => ORGANIZATION_KINDS.map((k) => ({ value: k, label: kindLabel(k), selected: k === selected }));

  const listPage = async (req: Request, res: Response, form: FormState, status = 200) => {
    const user = requireSignedIn(req);
    const orgs = (await listOrganizationsFor(db, user)).map((o) => ({ ...o, kindLabel: kindLabel(o.kind) }));
    renderPage(
      req,
      res,
      "organizations",
      { organizations: orgs, form, kinds: kinds(form.values.kind) },
      { title: "Organizations", status },
    );
  };

  app.get("/organizations", (req, res) => listPage(req, res, emptyForm()));

  app.post("/organizations", async (req, res) => {
    const user = requireSignedIn(req);
    const values = formBody(req);
    try {
      const f = parseForm(orgForm, values);
      const cooperative = f.kind === "worker_cooperative" ? evidenceFromForm(values) : undefined;
      const logins = (f.githubLogins ?? "").split(/[\s,]+/).filter(Boolean);
      const org = await createOrganization(
        db,
        { name: f.name, kind: f.kind, country: f.country, githubLogins: logins, cooperative, ownerUserId: user.id },
        { clock },
      );
      await redirectWithNotice(res, `/organizations/${org.id}`, `${org.name} was created.`);
    } catch (err) {
      await listPage(req, res, formFromError(values, err), 422);
    }
  });
}

/** Invoices on an organization's page; older ones are a "Next page" away. */
export const ORG_INVOICES_PER_PAGE = 50;
const OWED_BATCH = 500;

type Listed = Awaited<ReturnType<typeof listInvoices>>["invoices"][number];
type Owed = { outstanding: number; overdue: number; count: number; overdueCount: number };

/** What the organization owes now, per currency: every invoice still payable, however many pages back it is. */
async function owedOf(deps: AppDeps, user: Actor, orgId: number, day: string) {
  const sums = new Map<string, Owed>();
  const add = (i: Listed) => {
    if (i.outstanding.amountMinor <= 0) return;
    const s = sums.get(i.outstanding.currency) ?? { outstanding: 0, overdue: 0, count: 0, overdueCount: 0 };
    s.outstanding += i.outstanding.amountMinor;
    s.count += 1;
    if (isOverdue(i, day)) {
      s.overdue += i.outstanding.amountMinor;
      s.overdueCount += 1;
    }
    sums.set(i.outstanding.currency, s);
  };
  for (let after: InvoiceKey | undefined; ;) {
    const batch = await listInvoices(deps.db, user, { organizationId: orgId, statuses: PAYABLE_STATUSES, limit: OWED_BATCH, after });
    batch.invoices.forEach(add);
    const last = batch.invoices.at(-1);
    if (!last || batch.invoices.length < OWED_BATCH) break;
    after = { month: last.month, id: last.id };
  }
  return [...sums].map(([currency, s]) => ({
    outstanding: moneyJson(s.outstanding, currency).formatted,
    overdue: moneyJson(s.overdue, currency).formatted,
    count: s.count,
    overdueCount: s.overdueCount,
  }));
}

/**
 * A link to the organization's page with one pager's cursor set (or cleared) and the other pager's kept. Built
 * on the page's own path, not the request's: the page is also rendered in answer to a form's failed POST.
 */
function orgPageLink(req: Request, orgId: number, pager: "cursor" | "grants", cursor: string | undefined): string {
  const query = new URLSearchParams();
  for (const name of ["cursor", "grants"] as const) {
    const value = name === pager ? cursor : req.query[name];
    if (typeof value === "string" && value.length <= 500) query.set(name, value);
  }
  const search = query.toString();
  return `/organizations/${orgId}${search ? `?${search}` : ""}`;
}

/** What the organization owes, and one page of its invoices (`?cursor=` from the page's "Next page" link). */
async function owedView(deps: AppDeps, req: Request, user: Actor, orgId: number, day: string) {
  const after = invoiceCursorOf(req.query.cursor);
  const list = await listInvoices(deps.db, user, { organizationId: orgId, limit: ORG_INVOICES_PER_PAGE + 1, after });
  const items = list.invoices.slice(0, ORG_INVOICES_PER_PAGE);
  const last = items.at(-1);
  const next =
    list.invoices.length > ORG_INVOICES_PER_PAGE && last ? orgPageLink(req, orgId, "cursor", encodeCursor([last.month, last.id])) : null;
  const seller = sellerOf(deps.config);
  return {
    invoices: items.map((i) => ({ ...i, ref: i.number ?? String(i.id), overdue: isOverdue(i, day), dueOnText: readableDate(i.dueOn) })),
    invoicePager:
      after !== undefined || next !== null
        ? { first: after !== undefined ? orgPageLink(req, orgId, "cursor", undefined) : null, next }
        : null,
    owed: await owedOf(deps, user, orgId, day),
    payTo: { name: seller.name, iban: seller.iban || null },
  };
}

/** License grants on an organization's page; older ones are a "Next page" away (`?grants=`). */
export const ORG_GRANTS_PER_PAGE = 50;

/** One page of the organization's grants, newest month first; the invoices' page stays where it was. */
async function grantsView(deps: AppDeps, req: Request, orgId: number) {
  const key = pageCursorOf(req.query.grants, grantsCursor);
  const after = key && grantKeyFromCursor(key);
  const rows = await listGrants(deps.db, orgId, { limit: ORG_GRANTS_PER_PAGE + 1, after });
  const grants = rows.slice(0, ORG_GRANTS_PER_PAGE);
  const last = grants.at(-1);
  const next = rows.length > ORG_GRANTS_PER_PAGE && last ? orgPageLink(req, orgId, "grants", encodeCursor(grantKeyOf(last))) : null;
  return {
    grants,
    grantPager:
      after !== undefined || next !== null
        ? { first: after !== undefined ? orgPageLink(req, orgId, "grants", undefined) : null, next }
        : null,
  };
}

/** The organization's page, with the size-facts form as given (re-rendered with errors). */
function organizationPage(deps: AppDeps): OrgPage {
  const { db, clock } = deps;
  return async (req, res, factsFormState, status = 200) => {
    const { user, org } = await requireOrganizationMember(db, req);
    const day = today(clock);
    const view = await organizationView(db, org, day);
    const canManage = user.isTreasurer || (await membershipOf(db, org.id, user.id)) === "owner";
    const usages = (await listUsages(db, org)).map((u) => ({ ...u, open: u.endedOn === null }));
    renderPage(
      req,
      res,
      "organization",
      {
        org: { ...view, kindLabel: kindLabel(view.kind), isCooperative: view.kind === "worker_cooperative" },
        usages,
        ...(await owedView(deps, req, user, org.id, day)),
        ...(await grantsView(deps, req, org.id)),
        factsForm: factsFormState,
        inviteForm: formFromNotice(res, "invite", { role: "member" }),
        endForm: formFromNotice(res, "end-usage", { endedOn: day }),
        invitations: canManage
          ? (await openInvitations(db, org.id, isoNow(clock))).map((i) => ({ ...i, expiresOn: readableDate(i.expiresAt) }))
          : [],
        today: day,
        purposes: USAGE_PURPOSES,
        canManage,
        canResubmit: view.kind === "worker_cooperative" && view.verificationStatus === "rejected" && canManage,
      },
      { title: view.name, status },
    );
  };
}

function registerOrganizationForms(app: Router, deps: AppDeps, orgPage: OrgPage): void {
  const { db, clock } = deps;

  app.post("/organizations/:id/facts", async (req, res) => {
    const { user, org } = await requireOrganizationMember(db, req, "owner");
    const values = formBody(req);
    try {
      const f = parseForm(factsForm, values);
      const annualRevenue = f.revenue ? moneyFromForm(f.revenue, f.currency) : undefined;
      await recordSizeFacts(
        db,
        {
          organizationId: org.id,
          effectiveOn: f.effectiveOn,
          headcount: f.headcount,
          annualRevenue,
          actorUserId: user.id,
          actorIsTreasurer: user.isTreasurer,
        },
        { clock },
      );
      await redirectWithNotice(res, `/organizations/${org.id}`, "The size facts were recorded.");
    } catch (err) {
      await orgPage(req, res, formFromError(values, err), 422);
    }
  });
}

function registerOrganizationActions(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.post("/organizations/:id/cooperative-evidence", async (req, res) => {
    const { user, org } = await requireOrganizationMember(db, req, "owner");
    await attempt(req, res, { backTo: `/organizations/${org.id}`, prefix: "The evidence was not submitted" }, async () => {
      await submitCooperativeEvidence(db, org, { ...evidenceFromForm(formBody(req)), actorUserId: user.id }, { clock });
      await redirectWithNotice(
        res,
        `/organizations/${org.id}`,
        "The new evidence was submitted; the cooperative is back in the verification queue.",
      );
    });
  });

  app.post("/organizations/:id/usages/:usageId/end", async (req, res) => {
    const { user, org } = await requireOrganizationMember(db, req);
    const back = `/organizations/${org.id}#usages`;
    await attempt(req, res, { backTo: back, prefix: "The usage was not ended", form: "end-usage" }, async () => {
      const f = parseForm(z.object({ endedOn: isoDateSchema }), formBody(req));
      const usageId = idParam(req.params.usageId, "Usage was not found.");
      await endUsage(db, org, { usageId, endedOn: f.endedOn, actorUserId: user.id }, { clock });
      await redirectWithNotice(res, back, `The usage ends on ${readableDate(f.endedOn)}.`);
    });
  });

  app.post("/organizations/:id/checks/:checkId/usages", async (req, res) => {
    const { user, org } = await requireOrganizationMember(db, req);
    const f = parseForm(z.object({ purpose: z.enum(USAGE_PURPOSES), startedOn: isoDateSchema }), formBody(req));
    const checkId = idParam(req.params.checkId, "Check was not found.");
    const result = await usagesFromCheck(db, org, { checkId, purpose: f.purpose, startedOn: f.startedOn, actorUserId: user.id }, { clock });
    await redirectWithNotice(
      res,
      `/organizations/${org.id}`,
      `${result.created.length} usage(s) declared${result.alreadyDeclared ? `; ${result.alreadyDeclared} already declared` : ""}.`,
    );
  });
}

/** `/invoices/<ref><suffix>`, the ref (an invoice number or a held invoice's id, as the API's pattern less its anchors) as params[0]. */
const invoicePath = (suffix: string): RegExp => new RegExp(`^/invoices/(${INVOICE_REF_PATTERN.source.slice(1, -1)})${suffix}$`);

function registerInvoicePages(app: Router, deps: AppDeps): void {
  const { db, config } = deps;

  app.get(invoicePath("\\.xml"), async (req, res) => {
    const user = requireSignedIn(req);
    const ref = (req.params as Record<string, string>)[0]!;
    const view = await invoiceView(db, await requireInvoiceAccess(db, user, ref), sellerOf(config));
    const xml = await invoiceUblFor(db, view, config.SELLER_EMAIL);
    res.type("application/xml").set("Content-Disposition", `attachment; filename="${view.number}.xml"`).send(xml);
  });

  app.get(invoicePath(""), async (req, res) => {
    const user = requireSignedIn(req);
    const ref = (req.params as Record<string, string>)[0]!;
    const view = await invoiceView(db, await requireInvoiceAccess(db, user, ref), sellerOf(config));
    const distribution = view.payments.length > 0 ? await invoiceDistribution(db, view.id) : [];
    res.type("html").send(renderInvoiceHtml(view, { sellerEmail: config.SELLER_EMAIL, distribution }));
  });
}
