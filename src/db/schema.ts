// The whole data model, written once for PostgreSQL; `schema.sqlite.ts` derives the SQLite tables from
// it. Dates are ISO `YYYY-MM-DD` text and instants ISO-8601 UTC text on both engines (they sort and
// compare the same way as text); money is integer minor units (bigint on PostgreSQL) with a currency
// code beside it; ids are identity columns.
import { sql } from "drizzle-orm";
import { bigint, check, customType, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import {
  MEMBER_ROLES,
  ORGANIZATION_KINDS,
  SIZE_FACT_REVIEW_DECISIONS,
  VERIFICATION_DECISIONS,
  VERIFICATION_STATUSES,
} from "../organizations/vocabulary.js";
import { CLAIM_EVENTS, DISPUTE_STATUSES, LICENSE_STATES, WORK_VERIFICATIONS } from "../works/vocabulary.js";
import { USAGE_PURPOSES } from "../usage/vocabulary.js";
import { BILLING_RUN_STATUSES } from "../billing/vocabulary.js";
import { INVOICE_KINDS, INVOICE_LINE_KINDS, INVOICE_STATUSES, LINE_OBLIGATIONS } from "../invoices/vocabulary.js";
import { LEDGER_CODES } from "../ledger/vocabulary.js";
import { ATTRIBUTION_KINDS, BUCKET_KINDS, DISTRIBUTION_RUN_STATUSES } from "../distribution/vocabulary.js";
import { PAYOUT_BATCH_STATUSES, PAYOUT_STATUSES } from "../payouts/vocabulary.js";
import { ASSET_STATUSES } from "../assets/vocabulary.js";
import { ALLOTMENT_OUTCOMES, ISSUE_MODES, ISSUE_STATUSES, REPAYMENT_METHODS } from "../bonds/vocabulary.js";

const createdAt = () => text("created_at").notNull();

/**
 * A yes/no column that both engines read and write the same way: sent as 1 or 0 (PostgreSQL's
 * boolean input accepts both; SQLite stores the integer), read back as a JavaScript boolean.
 */
const flag = customType<{ data: boolean; driverData: boolean | number }>({
  dataType: () => "boolean",
  toDriver: (value) => (value ? 1 : 0),
  fromDriver: (value) => value === true || value === 1,
});

export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    isTreasurer: flag("is_treasurer").notNull().default(false),
    /** The GitHub login linked by signing in with GitHub, lower-cased. */
    githubLogin: text("github_login"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), uniqueIndex("users_github_login_unique").on(t.githubLogin)],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    /** The first characters of the secret, shown in listings so a user can tell tokens apart. */
    displayPrefix: text("display_prefix").notNull(),
    /** SHA-256 of the whole secret, hex. The secret itself is never stored. */
    secretHash: text("secret_hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_secret_hash_unique").on(t.secretHash), index("api_tokens_user").on(t.userId)],
);

/** Fixed-window request counters shared by every server process (rate limits). */
export const rateLimitCounters = pgTable("rate_limit_counters", {
  key: text("key").primaryKey(),
  hits: integer("hits").notNull(),
  windowEndsAt: text("window_ends_at").notNull(),
});

export const webSessions = pgTable(
  "web_sessions",
  {
    /** SHA-256 of the cookie value. */
    idHash: text("id_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [index("web_sessions_user").on(t.userId)],
);

/**
 * One-time notices of the web pages (POST/redirect/GET): kept here, keyed by the SHA-256 of a random
 * cookie value, and deleted when the next page shows them.
 */
export const webNotices = pgTable(
  "web_notices",
  {
    idHash: text("id_hash").primaryKey(),
    /** JSON: the kind (`success` or `error`), the message, field errors and what was typed. */
    payload: text("payload").notNull(),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [index("web_notices_expiry").on(t.expiresAt)],
);

export const organizations = pgTable(
  "organizations",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    name: text("name").notNull(),
    kind: text("kind", { enum: ORGANIZATION_KINDS }).notNull(),
    country: text("country"),
    /** Only worker cooperatives carry a verification status. */
    verificationStatus: text("verification_status", { enum: VERIFICATION_STATUSES }),
    createdAt: createdAt(),
  },
  (t) => [
    check("organizations_kind_check", sql`${t.kind} in ('worker_cooperative','commercial','nonprofit','individual','public_body')`),
    check(
      "organizations_verification_check",
      sql`(${t.kind} = 'worker_cooperative' and coalesce(${t.verificationStatus}, '') in ('pending','verified','rejected')) or (${t.kind} <> 'worker_cooperative' and ${t.verificationStatus} is null)`,
    ),
  ],
);

export const cooperativeEvidence = pgTable(
  "cooperative_evidence",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    jurisdiction: text("jurisdiction").notNull(),
    registryNumber: text("registry_number").notNull(),
    bylawsUrl: text("bylaws_url").notNull(),
    workerOwnerCount: integer("worker_owner_count").notNull(),
    distributesAllSurplus: flag("distributes_all_surplus").notNull(),
    submittedBy: integer("submitted_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("cooperative_evidence_org").on(t.organizationId),
    check("cooperative_evidence_workers_check", sql`${t.workerOwnerCount} >= 1`),
  ],
);

export const verificationDecisions = pgTable(
  "verification_decisions",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    evidenceId: integer("evidence_id").references(() => cooperativeEvidence.id),
    decision: text("decision", { enum: VERIFICATION_DECISIONS }).notNull(),
    reason: text("reason").notNull(),
    decidedBy: integer("decided_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("verification_decisions_org").on(t.organizationId),
    check("verification_decisions_decision_check", sql`${t.decision} in ('verified','rejected')`),
  ],
);

export const sizeFacts = pgTable(
  "size_facts",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    effectiveOn: text("effective_on").notNull(),
    headcount: integer("headcount").notNull(),
    annualRevenueMinor: bigint("annual_revenue_minor", { mode: "number" }),
    revenueCurrency: text("revenue_currency"),
    /** Evidence the declaring user attached: a URL and/or a note. */
    evidenceUrl: text("evidence_url"),
    evidenceNote: text("evidence_note"),
    /** Set when recorded: the declaration lowers the fee, so a treasurer reviews it (size_fact_reviews). */
    needsReview: flag("needs_review").notNull().default(false),
    recordedBy: integer("recorded_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("size_facts_org_effective").on(t.organizationId, t.effectiveOn),
    check("size_facts_headcount_check", sql`${t.headcount} >= 0`),
    check(
      "size_facts_revenue_check",
      sql`(${t.annualRevenueMinor} is null and ${t.revenueCurrency} is null) or (${t.annualRevenueMinor} >= 0 and ${t.revenueCurrency} is not null)`,
    ),
  ],
);

/** A treasurer's decision on a size-facts declaration that lowered a fee; a rejected one is ignored by billing. */
export const sizeFactReviews = pgTable(
  "size_fact_reviews",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    sizeFactId: integer("size_fact_id")
      .notNull()
      .references(() => sizeFacts.id),
    decision: text("decision", { enum: SIZE_FACT_REVIEW_DECISIONS }).notNull(),
    reason: text("reason").notNull(),
    decidedBy: integer("decided_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("size_fact_reviews_fact_unique").on(t.sizeFactId),
    check("size_fact_reviews_decision_check", sql`${t.decision} in ('accepted','rejected')`),
  ],
);

export const githubLogins = pgTable(
  "github_logins",
  {
    /** Lower-cased: GitHub logins are case-insensitive. */
    login: text("login").primaryKey(),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
  },
  (t) => [index("github_logins_org").on(t.organizationId)],
);

export const memberships = pgTable(
  "memberships",
  {
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: MEMBER_ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId] }),
    index("memberships_user").on(t.userId),
    check("memberships_role_check", sql`${t.role} in ('owner','member')`),
  ],
);

/** An invitation to join an organization, accepted by whoever holds its link (sent to `email`). */
export const invitations = pgTable(
  "invitations",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    email: text("email").notNull(),
    role: text("role", { enum: MEMBER_ROLES }).notNull(),
    /** SHA-256 of the secret in the invitation's link, hex. */
    tokenHash: text("token_hash").notNull(),
    invitedByUserId: integer("invited_by_user_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    acceptedAt: text("accepted_at"),
    acceptedByUserId: integer("accepted_by_user_id").references(() => users.id),
    revokedAt: text("revoked_at"),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_unique").on(t.tokenHash),
    index("invitations_org").on(t.organizationId),
    check("invitations_role_check", sql`${t.role} in ('owner','member')`),
  ],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    actorUserId: integer("actor_user_id").references(() => users.id),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id").notNull(),
    before: text("before"),
    after: text("after"),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_entity").on(t.entityType, t.entityId)],
);

// ---------------------------------------------------------------------------------------------
// Works

export const works = pgTable(
  "works",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    description: text("description"),
    /** GitHub's numeric repository id: survives renames and transfers. */
    repositoryGithubId: bigint("repository_github_id", { mode: "number" }),
    /** `owner/name` as GitHub spells it; compared lower-cased through `repositoryKey`. */
    repositoryFullName: text("repository_full_name"),
    repositoryKey: text("repository_key"),
    repositoryUrl: text("repository_url"),
    defaultBranch: text("default_branch"),
    licensorOrganizationId: integer("licensor_organization_id")
      .notNull()
      .references(() => organizations.id),
    versionRange: text("version_range"),
    verification: text("verification", { enum: WORK_VERIFICATIONS }).notNull(),
    licenseState: text("license_state", { enum: LICENSE_STATES }).notNull(),
    licenseSpdxId: text("license_spdx_id"),
    /** Similarity of the repository's license file to the best SPDX text, in basis points. */
    licenseSimilarityBps: integer("license_similarity_bps"),
    licensePath: text("license_path"),
    licenseCheckedAt: text("license_checked_at"),
    registeredBy: integer("registered_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("works_slug_unique").on(t.slug),
    uniqueIndex("works_repository_key_unique").on(t.repositoryKey),
    uniqueIndex("works_repository_github_id_unique").on(t.repositoryGithubId),
    /** The registry lists works by title, then id: pages are read from this index in order. */
    index("works_title_id").on(t.title, t.id),
    check("works_verification_check", sql`${t.verification} in ('verified','unverified')`),
    check("works_license_state_check", sql`${t.licenseState} in ('ppl','other','missing','unknown')`),
  ],
);

export const workPackages = pgTable(
  "work_packages",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    /** Canonical purl without version, qualifiers or subpath. */
    purl: text("purl").notNull(),
    type: text("type").notNull(),
    namespace: text("namespace"),
    name: text("name").notNull(),
  },
  (t) => [uniqueIndex("work_packages_purl_unique").on(t.purl), index("work_packages_work").on(t.workId)],
);

export const workMaintainers = pgTable(
  "work_maintainers",
  {
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.workId, t.userId] })],
);

/**
 * What a work's license file was, from the day it was read: billing earns only on the days its license was
 * the PPL. The first reading stands for every day before it (the PPL applied all along); each change of
 * state starts a new row. Append-only.
 */
export const workLicenseHistory = pgTable(
  "work_license_history",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    effectiveOn: text("effective_on").notNull(),
    state: text("state", { enum: LICENSE_STATES }).notNull(),
    spdxId: text("spdx_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("work_license_history_work").on(t.workId, t.effectiveOn),
    check("work_license_history_state_check", sql`${t.state} in ('ppl','other','missing','unknown')`),
  ],
);

/** Who contested a work's claim, and what a treasurer decided. */
export const workDisputes = pgTable(
  "work_disputes",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    openedBy: integer("opened_by")
      .notNull()
      .references(() => users.id),
    reason: text("reason").notNull(),
    status: text("status", { enum: DISPUTE_STATUSES }).notNull(),
    decisionReason: text("decision_reason"),
    decidedBy: integer("decided_by").references(() => users.id),
    decidedAt: text("decided_at"),
    createdAt: createdAt(),
  },
  (t) => [index("work_disputes_work").on(t.workId), check("work_disputes_status_check", sql`${t.status} in ('open','upheld','dismissed')`)],
);

/** The history of a work's claim: how it was proven, verified or rejected by hand, disputed and decided. Append-only. */
export const workClaimEvents = pgTable(
  "work_claim_events",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    event: text("event", { enum: CLAIM_EVENTS }).notNull(),
    /** The work's verification after the event. */
    verification: text("verification", { enum: WORK_VERIFICATIONS }).notNull(),
    reason: text("reason").notNull(),
    disputeId: integer("dispute_id").references(() => workDisputes.id),
    actorUserId: integer("actor_user_id").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("work_claim_events_work").on(t.workId),
    check("work_claim_events_verification_check", sql`${t.verification} in ('verified','unverified')`),
  ],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    deliveryId: text("delivery_id").primaryKey(),
    /** SHA-256 of the raw signed body (hex): the same body under another delivery id is a replay. */
    bodySha256: text("body_sha256"),
    event: text("event").notNull(),
    outcome: text("outcome").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("webhook_deliveries_body_sha256_key").on(t.bodySha256)],
);

export const forkSightings = pgTable(
  "fork_sightings",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    forkFullName: text("fork_full_name").notNull(),
    ownerLogin: text("owner_login").notNull(),
    organizationId: integer("organization_id").references(() => organizations.id),
    seenAt: text("seen_at").notNull(),
  },
  (t) => [uniqueIndex("fork_sightings_unique").on(t.workId, t.forkFullName)],
);

// ---------------------------------------------------------------------------------------------
// Usage, fees, billing

export const usages = pgTable(
  "usages",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    purpose: text("purpose", { enum: USAGE_PURPOSES }).notNull(),
    startedOn: text("started_on").notNull(),
    endedOn: text("ended_on"),
    declaredBy: integer("declared_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("usages_org").on(t.organizationId),
    check("usages_purpose_check", sql`${t.purpose} in ('commercial','noncommercial')`),
    check("usages_dates_check", sql`${t.endedOn} is null or ${t.endedOn} >= ${t.startedOn}`),
  ],
);

export const feeSchedules = pgTable(
  "fee_schedules",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    effectiveOn: text("effective_on").notNull(),
    currency: text("currency").notNull(),
    revenueCapBps: integer("revenue_cap_bps"),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("fee_schedules_effective_unique").on(t.effectiveOn),
    check("fee_schedules_cap_check", sql`${t.revenueCapBps} is null or ${t.revenueCapBps} >= 0`),
  ],
);

export const feeBands = pgTable(
  "fee_bands",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    feeScheduleId: integer("fee_schedule_id")
      .notNull()
      .references(() => feeSchedules.id),
    minHeadcount: integer("min_headcount").notNull(),
    /** Inclusive; null for the open top band. */
    maxHeadcount: integer("max_headcount"),
    annualFeeMinor: bigint("annual_fee_minor", { mode: "number" }).notNull(),
  },
  (t) => [uniqueIndex("fee_bands_unique").on(t.feeScheduleId, t.minHeadcount), check("fee_bands_fee_check", sql`${t.annualFeeMinor} >= 0`)],
);

/** Rates a treasurer records to convert a revenue declared in another currency than the fee schedule's. */
export const exchangeRates = pgTable(
  "exchange_rates",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    fromCurrency: text("from_currency").notNull(),
    toCurrency: text("to_currency").notNull(),
    effectiveOn: text("effective_on").notNull(),
    /** Units of `toCurrency` for one unit of `fromCurrency`, as the decimal string the treasurer gave. */
    rate: text("rate").notNull(),
    recordedBy: integer("recorded_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("exchange_rates_unique").on(t.fromCurrency, t.toCurrency, t.effectiveOn)],
);

export const billingRuns = pgTable(
  "billing_runs",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    month: text("month").notNull(),
    feeScheduleId: integer("fee_schedule_id")
      .notNull()
      .references(() => feeSchedules.id),
    status: text("status", { enum: BILLING_RUN_STATUSES }).notNull(),
    invoicesCreated: integer("invoices_created").notNull().default(0),
    startedBy: integer("started_by").references(() => users.id),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
    /** The process running it (`host|pid|process start`): tells a crashed run from a running one. */
    owner: text("owner"),
    /** For a crashed run: the run of the same month that found it and completed the month. */
    resumedByRunId: integer("resumed_by_run_id"),
  },
  (t) => [index("billing_runs_month").on(t.month)],
);

export const invoices = pgTable(
  "invoices",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    /** Assigned at issue, in the same transaction as the ledger entries; null while held. */
    number: text("number"),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    month: text("month").notNull(),
    /** `fees` or `rent`: an organization has at most one invoice of each kind a month. */
    kind: text("kind", { enum: INVOICE_KINDS }).notNull().default("fees"),
    status: text("status", { enum: INVOICE_STATUSES }).notNull(),
    currency: text("currency").notNull(),
    totalMinor: bigint("total_minor", { mode: "number" }).notNull(),
    issuedOn: text("issued_on"),
    dueOn: text("due_on"),
    billingRunId: integer("billing_run_id").references(() => billingRuns.id),
    feeScheduleId: integer("fee_schedule_id")
      .notNull()
      .references(() => feeSchedules.id),
    /** Why the invoice was priced as it was (e.g. no size facts declared: top band). */
    note: text("note"),
    /** Buyer details as they were when the invoice was made. */
    buyerName: text("buyer_name").notNull(),
    buyerCountry: text("buyer_country"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("invoices_org_month_kind_unique").on(t.organizationId, t.month, t.kind),
    uniqueIndex("invoices_number_unique").on(t.number),
    index("invoices_status").on(t.status),
    /** The invoice list's keyset order (newest month, then newest id). */
    index("invoices_month_id").on(t.month, t.id),
    check("invoices_status_check", sql`${t.status} in ('held','issued','partially_paid','paid','void')`),
    check("invoices_total_check", sql`${t.totalMinor} >= 0`),
    // Held invoices have no number; a held invoice dropped on verification is void without one.
    check(
      "invoices_number_check",
      sql`(${t.status} = 'held' and ${t.number} is null) or (${t.status} <> 'held' and (${t.number} is not null or ${t.status} = 'void'))`,
    ),
  ],
);

export const invoiceLines = pgTable(
  "invoice_lines",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    position: integer("position").notNull(),
    kind: text("kind", { enum: INVOICE_LINE_KINDS }).notNull(),
    workId: integer("work_id").references(() => works.id),
    description: text("description").notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    days: integer("days"),
    daysInMonth: integer("days_in_month"),
    annualFeeMinor: bigint("annual_fee_minor", { mode: "number" }),
    obligation: text("obligation", { enum: LINE_OBLIGATIONS }),
    /** The month the line bills: the invoice's month, or an earlier one for a catch-up line. */
    month: text("month").notNull(),
    /** A rent line's productive asset. */
    assetId: integer("asset_id").references(() => assets.id),
  },
  (t) => [
    uniqueIndex("invoice_lines_position_unique").on(t.invoiceId, t.position),
    check(
      "invoice_lines_kind_check",
      sql`(${t.kind} = 'fee' and ${t.amountMinor} >= 0 and ${t.workId} is not null and ${t.assetId} is null) or (${t.kind} = 'revenue_cap' and ${t.amountMinor} <= 0 and ${t.workId} is null and ${t.assetId} is null) or (${t.kind} = 'rent' and ${t.amountMinor} > 0 and ${t.workId} is null and ${t.assetId} is not null)`,
    ),
  ],
);

export const invoiceNumberSequences = pgTable("invoice_number_sequences", {
  year: integer("year").primaryKey(),
  lastNumber: integer("last_number").notNull(),
});

export const creditNotes = pgTable(
  "credit_notes",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    reason: text("reason").notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("credit_notes_invoice_unique").on(t.invoiceId)],
);

export const payments = pgTable(
  "payments",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    paidOn: text("paid_on").notNull(),
    reference: text("reference").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** SHA-256 of the canonical request body: a replay with another body is refused. */
    requestHash: text("request_hash").notNull(),
    recordedBy: integer("recorded_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("payments_idempotency_unique").on(t.idempotencyKey),
    index("payments_invoice").on(t.invoiceId),
    check("payments_amount_check", sql`${t.amountMinor} > 0`),
  ],
);

/**
 * Money paid back to the buyer of a void invoice, out of what it had paid (its refund due). Append-only,
 * with the same Idempotency-Key semantics as payments.
 */
/** The overdue reminder mailed for an invoice: one row per invoice, so a reminder is never sent twice. */
export const overdueMails = pgTable("overdue_mails", {
  invoiceId: integer("invoice_id")
    .primaryKey()
    .references(() => invoices.id),
  /** The day the invoice was found overdue. */
  foundOn: text("found_on").notNull(),
  createdAt: createdAt(),
});

export const refunds = pgTable(
  "refunds",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    paidOn: text("paid_on").notNull(),
    reference: text("reference").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** SHA-256 of the canonical request body: a replay with another body is refused. */
    requestHash: text("request_hash").notNull(),
    recordedBy: integer("recorded_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("refunds_idempotency_unique").on(t.idempotencyKey),
    index("refunds_invoice").on(t.invoiceId),
    check("refunds_amount_check", sql`${t.amountMinor} > 0`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Ledger: append-only. Triggers in the migrations refuse UPDATE and DELETE.

export const ledgerTransactions = pgTable("ledger_transactions", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  code: text("code", { enum: LEDGER_CODES }).notNull(),
  description: text("description").notNull(),
  invoiceId: integer("invoice_id").references(() => invoices.id),
  paymentId: integer("payment_id").references(() => payments.id),
  refundId: integer("refund_id").references(() => refunds.id),
  effectiveOn: text("effective_on").notNull(),
  createdAt: createdAt(),
});

export const ledgerTransfers = pgTable(
  "ledger_transfers",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    transactionId: integer("transaction_id")
      .notNull()
      .references(() => ledgerTransactions.id),
    debitAccount: text("debit_account").notNull(),
    creditAccount: text("credit_account").notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    /** The transfer this one reverses, if it is a correction. */
    reversesTransferId: integer("reverses_transfer_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("ledger_transfers_tx").on(t.transactionId),
    index("ledger_transfers_debit").on(t.debitAccount),
    index("ledger_transfers_credit").on(t.creditAccount),
    uniqueIndex("ledger_transfers_reverses_unique").on(t.reversesTransferId),
    check("ledger_transfers_amount_check", sql`${t.amountMinor} > 0`),
    check("ledger_transfers_accounts_check", sql`${t.debitAccount} <> ${t.creditAccount}`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Grants

export const grants = pgTable(
  "grants",
  {
    id: text("id").primaryKey(),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    month: text("month").notNull(),
    document: text("document").notNull(),
    signature: text("signature").notNull(),
    keyFingerprint: text("key_fingerprint").notNull(),
    createdAt: createdAt(),
    /** Set when the invoice the grant was paid by is voided: the grant no longer licenses anything. */
    revokedOn: text("revoked_on"),
  },
  (t) => [uniqueIndex("grants_invoice_work_month_unique").on(t.invoiceId, t.workId, t.month), index("grants_org").on(t.organizationId)],
);

// ---------------------------------------------------------------------------------------------
// Checks: kept so a member can turn a check into usage declarations.

export const checks = pgTable(
  "checks",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    organizationId: integer("organization_id").references(() => organizations.id),
    format: text("format").notNull(),
    componentCount: integer("component_count").notNull(),
    /** The matched work ids and purls, JSON. */
    matches: text("matches").notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("checks_org").on(t.organizationId)],
);

// ---------------------------------------------------------------------------------------------
// Open books: the transparency log. Entries are append-only (triggers in the migrations); the head
// row holds the size and is locked by every append, so leaf indexes are gapless in commit order.

export const booksLogHead = pgTable("books_log_head", {
  id: integer("id").primaryKey(),
  size: integer("size").notNull(),
});

export const booksEntries = pgTable(
  "books_entries",
  {
    leafIndex: integer("leaf_index").primaryKey(),
    kind: text("kind").notNull(),
    /** The invoice the fact concerns, for its inclusion proof. */
    invoiceId: integer("invoice_id"),
    /** The canonical JSON entry, salt included. */
    entry: text("entry").notNull(),
    /** SHA-256(0x00 ‖ entry), hex. */
    leafHash: text("leaf_hash").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("books_entries_invoice").on(t.invoiceId), check("books_entries_index_check", sql`${t.leafIndex} >= 0`)],
);

export const booksCheckpoints = pgTable("books_checkpoints", {
  treeSize: integer("tree_size").primaryKey(),
  /** Base64, as in the note. */
  rootHash: text("root_hash").notNull(),
  note: text("note").notNull(),
  createdAt: createdAt(),
});

/** A productive asset a verified cooperative proposes to rent from the commune (PRODUCT.md §14). */
export const assets = pgTable(
  "assets",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    /** The proposing cooperative, and the lessee of the rental offer. */
    lesseeOrganizationId: integer("lessee_organization_id")
      .notNull()
      .references(() => organizations.id),
    title: text("title").notNull(),
    description: text("description").notNull(),
    currency: text("currency").notNull(),
    costMinor: bigint("cost_minor", { mode: "number" }).notNull(),
    monthlyRentMinor: bigint("monthly_rent_minor", { mode: "number" }).notNull(),
    termMonths: integer("term_months").notNull(),
    status: text("status", { enum: ASSET_STATUSES }).notNull(),
    proposedBy: integer("proposed_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("assets_lessee").on(t.lesseeOrganizationId),
    check("assets_status_check", sql`${t.status} in ('proposed','offering','leased','returned','owned','liquidated')`),
    check("assets_amounts_check", sql`${t.costMinor} > 0 and ${t.monthlyRentMinor} > 0 and ${t.termMonths} between 1 and 600`),
  ],
);

/** An asset's lifecycle, one row per step (append-only). */
export const assetEvents = pgTable(
  "asset_events",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    assetId: integer("asset_id")
      .notNull()
      .references(() => assets.id),
    fromStatus: text("from_status", { enum: ASSET_STATUSES }),
    toStatus: text("to_status", { enum: ASSET_STATUSES }).notNull(),
    reason: text("reason").notNull(),
    actorUserId: integer("actor_user_id").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("asset_events_asset").on(t.assetId)],
);

/** Bonds offered to member organizations to buy an asset. */
export const bondIssues = pgTable(
  "bond_issues",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    assetId: integer("asset_id")
      .notNull()
      .references(() => assets.id),
    currency: text("currency").notNull(),
    targetMinor: bigint("target_minor", { mode: "number" }).notNull(),
    minimumMinor: bigint("minimum_minor", { mode: "number" }).notNull(),
    maxRateBps: integer("max_rate_bps").notNull(),
    mode: text("mode", { enum: ISSUE_MODES }).notNull(),
    opensOn: text("opens_on").notNull(),
    closesOn: text("closes_on").notNull(),
    termMonths: integer("term_months").notNull(),
    repayment: text("repayment", { enum: REPAYMENT_METHODS }).notNull(),
    minSubscriptionMinor: bigint("min_subscription_minor", { mode: "number" }).notNull(),
    maxPerHolderMinor: bigint("max_per_holder_minor", { mode: "number" }).notNull(),
    status: text("status", { enum: ISSUE_STATUSES }).notNull(),
    /** Set at clearing. */
    rateBps: integer("rate_bps"),
    soldMinor: bigint("sold_minor", { mode: "number" }),
    clearedOn: text("cleared_on"),
    /** The offer document the members subscribe on, as the treasurer wrote it (the software makes no regulatory choice). */
    offerDocument: text("offer_document"),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("bond_issues_asset").on(t.assetId),
    check("bond_issues_mode_check", sql`${t.mode} in ('fixed','auction')`),
    check("bond_issues_repayment_check", sql`${t.repayment} in ('annuity','straight_line','sweep')`),
    check("bond_issues_status_check", sql`${t.status} in ('open','cleared','cancelled','redeemed')`),
    check(
      "bond_issues_amounts_check",
      sql`${t.minimumMinor} >= 0 and ${t.targetMinor} >= ${t.minimumMinor} and ${t.targetMinor} > 0 and ${t.minSubscriptionMinor} > 0 and ${t.maxPerHolderMinor} >= ${t.minSubscriptionMinor} and ${t.maxRateBps} between 0 and 10000 and ${t.opensOn} <= ${t.closesOn}`,
    ),
  ],
);

/** A member organization's subscription (or bid) for bonds, keyed by its Idempotency-Key. */
export const bondSubscriptions = pgTable(
  "bond_subscriptions",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    issueId: integer("issue_id")
      .notNull()
      .references(() => bondIssues.id),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    /** null: non-competitive (and every subscription of a fixed-rate issue). */
    bidRateBps: integer("bid_rate_bps"),
    idempotencyKey: text("idempotency_key").notNull(),
    requestHash: text("request_hash").notNull(),
    /** Set at clearing. */
    allottedMinor: bigint("allotted_minor", { mode: "number" }),
    outcome: text("outcome", { enum: ALLOTMENT_OUTCOMES }),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("bond_subscriptions_key_unique").on(t.issueId, t.idempotencyKey),
    index("bond_subscriptions_org").on(t.organizationId),
    check("bond_subscriptions_amount_check", sql`${t.amountMinor} > 0`),
  ],
);

/** The repayment schedule stored at clearing, one row per month (the same function as the preview). */
export const bondScheduleRows = pgTable(
  "bond_schedule_rows",
  {
    issueId: integer("issue_id")
      .notNull()
      .references(() => bondIssues.id),
    k: integer("k").notNull(),
    dueOn: text("due_on").notNull(),
    openingMinor: bigint("opening_minor", { mode: "number" }).notNull(),
    interestMinor: bigint("interest_minor", { mode: "number" }).notNull(),
    principalMinor: bigint("principal_minor", { mode: "number" }).notNull(),
    paymentMinor: bigint("payment_minor", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.issueId, t.k] })],
);

/** A lessee's declared monthly surplus, the base of the non-extractive cap; a correction is a new row (latest wins). */
export const assetSurpluses = pgTable(
  "asset_surpluses",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    assetId: integer("asset_id")
      .notNull()
      .references(() => assets.id),
    month: text("month").notNull(),
    currency: text("currency").notNull(),
    surplusMinor: bigint("surplus_minor", { mode: "number" }).notNull(),
    declaredBy: integer("declared_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("asset_surpluses_asset_month").on(t.assetId, t.month), check("asset_surpluses_amount_check", sql`${t.surplusMinor} >= 0`)],
);

// ---------------------------------------------------------------------------------------------
// Distribution (PRODUCT.md §11): where the fund's money goes. Line nets and attributions are
// append-only (triggers in the migrations), as are a run's allocations.

/** What each fee line of an issued invoice nets after the revenue cap: fixed at issue, by LRM. */
export const invoiceLineNets = pgTable(
  "invoice_line_nets",
  {
    invoiceLineId: integer("invoice_line_id")
      .primaryKey()
      .references(() => invoiceLines.id),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    netMinor: bigint("net_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("invoice_line_nets_invoice").on(t.invoiceId), check("invoice_line_nets_net_check", sql`${t.netMinor} >= 0`)],
);

/** A payment's share of one line (positive), or a refund taking some of it back (negative). */
export const paymentAttributions = pgTable(
  "payment_attributions",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    kind: text("kind", { enum: ATTRIBUTION_KINDS }).notNull(),
    paymentId: integer("payment_id").references(() => payments.id),
    /** The refund's id, once refunds are recorded (no foreign key: the refunds table comes with them). */
    refundId: integer("refund_id"),
    invoiceLineId: integer("invoice_line_id")
      .notNull()
      .references(() => invoiceLines.id),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    /** The payment's (or refund's) date: its month is the pool it falls in. */
    paidOn: text("paid_on").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // Covers a run's read of its month (cash per work) without touching the table's rows.
    index("payment_attributions_month").on(t.paidOn, t.currency, t.workId, t.amountMinor),
    index("payment_attributions_line").on(t.invoiceLineId),
    // The distribution gate's latest attribution (distribution-gate.ts).
    index("payment_attributions_created_at").on(t.createdAt),
    uniqueIndex("payment_attributions_payment_line_unique").on(t.paymentId, t.invoiceLineId),
    check("payment_attributions_kind_check", sql`${t.kind} in ('payment','refund')`),
    check(
      "payment_attributions_amount_check",
      sql`(${t.kind} = 'payment' and ${t.amountMinor} > 0 and ${t.paymentId} is not null) or (${t.kind} = 'refund' and ${t.amountMinor} < 0)`,
    ),
  ],
);

/**
 * Work cash: the attributions of one work, summed per month paid, currency and the latest distribution
 * run's month when they were recorded ('' before any run), written in the attributions' transaction. A
 * derived, updatable aggregate (the attributions stay the facts): a run reads it instead of every
 * attribution, and `ledger check` compares the two.
 */
export const workCash = pgTable(
  "work_cash",
  {
    /** The month of the payments' (or refunds') `paidOn`. */
    month: text("month").notNull(),
    /** The latest run's month when the cash was recorded: later cash of a month already run goes to the next run. */
    recordedAfter: text("recorded_after").notNull(),
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    currency: text("currency").notNull(),
    cashMinor: bigint("cash_minor", { mode: "number" }).notNull(),
    /** How many attributions (payments' shares, refunds' take-backs) add up to the cash. */
    attributions: integer("attributions").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.month, t.currency, t.workId, t.recordedAfter] }),
    index("work_cash_recorded_after").on(t.recordedAfter, t.month),
  ],
);

export const distributionPolicies = pgTable(
  "distribution_policies",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    effectiveOn: text("effective_on").notNull(),
    currency: text("currency").notNull(),
    minimumPayoutMinor: bigint("minimum_payout_minor", { mode: "number" }).notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("distribution_policies_effective_unique").on(t.effectiveOn),
    check("distribution_policies_minimum_check", sql`${t.minimumPayoutMinor} >= 0`),
  ],
);

export const distributionBuckets = pgTable(
  "distribution_buckets",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    policyId: integer("policy_id")
      .notNull()
      .references(() => distributionPolicies.id),
    /** Bucket order: LRM's first tie-break. */
    position: integer("position").notNull(),
    key: text("key").notNull(),
    kind: text("kind", { enum: BUCKET_KINDS }).notNull(),
    shareBps: integer("share_bps").notNull(),
    payeeOrganizationId: integer("payee_organization_id").references(() => organizations.id),
  },
  (t) => [
    uniqueIndex("distribution_buckets_position_unique").on(t.policyId, t.position),
    uniqueIndex("distribution_buckets_key_unique").on(t.policyId, t.key),
    check("distribution_buckets_kind_check", sql`${t.kind} in ('licensors','dividend','fixed','reserve')`),
    check("distribution_buckets_share_check", sql`${t.shareBps} >= 0 and ${t.shareBps} <= 10000`),
    // A fixed bucket may name no payee yet (the seeded default: a fresh commune has no organizations).
    check("distribution_buckets_payee_check", sql`${t.kind} = 'fixed' or ${t.payeeOrganizationId} is null`),
  ],
);

/** A work's splits: receivers and their weights in parts per million (Drips' rules). */
export const workSplits = pgTable(
  "work_splits",
  {
    workId: integer("work_id")
      .notNull()
      .references(() => works.id),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    weight: integer("weight").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workId, t.organizationId] }),
    check("work_splits_weight_check", sql`${t.weight} >= 1 and ${t.weight} <= 1000000`),
  ],
);

export const distributionRuns = pgTable(
  "distribution_runs",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    month: text("month").notNull(),
    policyId: integer("policy_id")
      .notNull()
      .references(() => distributionPolicies.id),
    currency: text("currency").notNull(),
    status: text("status", { enum: DISTRIBUTION_RUN_STATUSES }).notNull(),
    /** The month's attributions (refunds subtracted) plus any deficit carried in; never below zero when allocated. */
    poolMinor: bigint("pool_minor", { mode: "number" }).notNull(),
    /** A month whose refunds exceeded its payments leaves a deficit (≤ 0) for the next month's pool. */
    poolCarriedMinor: bigint("pool_carried_minor", { mode: "number" }).notNull(),
    dividendCarryInMinor: bigint("dividend_carry_in_minor", { mode: "number" }).notNull(),
    dividendCarriedMinor: bigint("dividend_carried_minor", { mode: "number" }).notNull(),
    perCapitaMinor: bigint("per_capita_minor", { mode: "number" }).notNull(),
    workerOwners: integer("worker_owners").notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
    approvedBy: integer("approved_by").references(() => users.id),
    approvedAt: text("approved_at"),
    approvedTransactionId: integer("approved_transaction_id").references(() => ledgerTransactions.id),
  },
  (t) => [
    uniqueIndex("distribution_runs_month_unique").on(t.month),
    check("distribution_runs_status_check", sql`${t.status} in ('draft','approved')`),
    check("distribution_runs_carry_check", sql`${t.dividendCarriedMinor} >= 0 and ${t.poolCarriedMinor} <= 0 and ${t.poolMinor} >= 0`),
  ],
);

export const distributionAllocations = pgTable(
  "distribution_allocations",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    runId: integer("run_id")
      .notNull()
      .references(() => distributionRuns.id),
    position: integer("position").notNull(),
    bucketKey: text("bucket_key").notNull(),
    bucketKind: text("bucket_kind", { enum: BUCKET_KINDS }).notNull(),
    /** Null for what stays with the commune as equity: the reserve, a fixed bucket naming no payee. */
    organizationId: integer("organization_id").references(() => organizations.id),
    workId: integer("work_id").references(() => works.id),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    /** Why this amount, JSON: the work's cash, the split weight, the per-capita rate and count, the share. */
    basis: text("basis").notNull(),
  },
  (t) => [
    uniqueIndex("distribution_allocations_position_unique").on(t.runId, t.position),
    index("distribution_allocations_org").on(t.organizationId),
    check("distribution_allocations_amount_check", sql`${t.amountMinor} > 0`),
    check("distribution_allocations_org_check", sql`${t.organizationId} is not null or ${t.bucketKind} in ('reserve','fixed')`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Payouts

/** Where an organization is paid: never shown to other organizations. */
export const payeeProfiles = pgTable(
  "payee_profiles",
  {
    organizationId: integer("organization_id")
      .primaryKey()
      .references(() => organizations.id),
    legalName: text("legal_name").notNull(),
    country: text("country").notNull(),
    /** Electronic format: upper case, no spaces; mod-97 checked. */
    iban: text("iban").notNull(),
    minimumPayoutMinor: bigint("minimum_payout_minor", { mode: "number" }),
    updatedBy: integer("updated_by").references(() => users.id),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [check("payee_profiles_minimum_check", sql`${t.minimumPayoutMinor} is null or ${t.minimumPayoutMinor} >= 0`)],
);

export const payoutBatches = pgTable(
  "payout_batches",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    executionDate: text("execution_date").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: PAYOUT_BATCH_STATUSES }).notNull(),
    /** The pain.001 message id (GrpHdr/MsgId). */
    messageId: text("message_id").notNull(),
    totalMinor: bigint("total_minor", { mode: "number" }).notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
    confirmedAt: text("confirmed_at"),
    confirmedTransactionId: integer("confirmed_transaction_id").references(() => ledgerTransactions.id),
  },
  (t) => [
    uniqueIndex("payout_batches_message_unique").on(t.messageId),
    check("payout_batches_status_check", sql`${t.status} in ('created','confirmed')`),
  ],
);

export const payouts = pgTable(
  "payouts",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    batchId: integer("batch_id")
      .notNull()
      .references(() => payoutBatches.id),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    endToEndId: text("end_to_end_id").notNull(),
    /** The payee details as they were when the file was made. */
    legalName: text("legal_name").notNull(),
    country: text("country").notNull(),
    iban: text("iban").notNull(),
    status: text("status", { enum: PAYOUT_STATUSES }).notNull(),
    returnedAt: text("returned_at"),
    returnReason: text("return_reason"),
    returnedTransactionId: integer("returned_transaction_id").references(() => ledgerTransactions.id),
  },
  (t) => [
    uniqueIndex("payouts_end_to_end_unique").on(t.endToEndId),
    uniqueIndex("payouts_batch_org_unique").on(t.batchId, t.organizationId),
    index("payouts_org").on(t.organizationId),
    check("payouts_amount_check", sql`${t.amountMinor} > 0`),
    check("payouts_status_check", sql`${t.status} in ('pending','confirmed','returned')`),
  ],
);

/** The last statement number handed out per year of issue (gapless like invoice numbers, its own sequence). */
export const statementNumberSequences = pgTable("statement_number_sequences", {
  year: integer("year").primaryKey(),
  lastNumber: integer("last_number").notNull(),
});

/**
 * An organization's statement of a month, issued when the month's distribution run is approved: what it
 * was owed before (the previous statement's closing), the run's allocations, the payouts settled or
 * returned since the previous statement, and the payable it closes with (its ledger balance after the
 * approval entry). Append-only.
 */
export const statements = pgTable(
  "statements",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    number: text("number").notNull(),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    month: text("month").notNull(),
    runId: integer("run_id")
      .notNull()
      .references(() => distributionRuns.id),
    currency: text("currency").notNull(),
    openingMinor: bigint("opening_minor", { mode: "number" }).notNull(),
    allocatedMinor: bigint("allocated_minor", { mode: "number" }).notNull(),
    /** Payouts confirmed less payouts returned since the previous statement. */
    paidOutMinor: bigint("paid_out_minor", { mode: "number" }).notNull(),
    closingMinor: bigint("closing_minor", { mode: "number" }).notNull(),
    /** The approval's ledger entry: the statement covers the payable's movements up to it. */
    ledgerTransactionId: integer("ledger_transaction_id")
      .notNull()
      .references(() => ledgerTransactions.id),
    issuedAt: text("issued_at").notNull(),
  },
  (t) => [
    uniqueIndex("statements_number_unique").on(t.number),
    uniqueIndex("statements_org_month_unique").on(t.organizationId, t.month),
    check("statements_balance_check", sql`${t.closingMinor} = ${t.openingMinor} + ${t.allocatedMinor} - ${t.paidOutMinor}`),
  ],
);
/**
 * One month of an asset's rent as the rent run invoiced it: what the bonds were due (arrears, interest,
 * principal), the cap from the declared surplus, what was charged and what was deferred (PRODUCT.md §14).
 * No issue once the asset is owned: all of its rent is rent income.
 */
export const rentMonths = pgTable(
  "rent_months",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    assetId: integer("asset_id")
      .notNull()
      .references(() => assets.id),
    month: text("month").notNull(),
    issueId: integer("issue_id").references(() => bondIssues.id),
    /** The lessee's invoice with the rent line; null when the cap left nothing to invoice. */
    invoiceId: integer("invoice_id").references(() => invoices.id),
    currency: text("currency").notNull(),
    /** The bonds' due this month: interest arrears, the month's interest, principal. */
    arrearsDueMinor: bigint("arrears_due_minor", { mode: "number" }).notNull(),
    interestDueMinor: bigint("interest_due_minor", { mode: "number" }).notNull(),
    principalDueMinor: bigint("principal_due_minor", { mode: "number" }).notNull(),
    /** floor(surplus × capBps ÷ 10,000); null without a declared surplus (no cap applied). */
    capMinor: bigint("cap_minor", { mode: "number" }),
    /** What the rent line invoices. */
    rentMinor: bigint("rent_minor", { mode: "number" }).notNull(),
    deferredMinor: bigint("deferred_minor", { mode: "number" }).notNull(),
    deferredMonthsInRow: integer("deferred_months_in_row").notNull(),
    review: flag("review").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("rent_months_asset_month_unique").on(t.assetId, t.month),
    index("rent_months_invoice").on(t.invoiceId),
    check(
      "rent_months_amounts_check",
      sql`${t.arrearsDueMinor} >= 0 and ${t.interestDueMinor} >= 0 and ${t.principalDueMinor} >= 0 and ${t.rentMinor} >= 0 and ${t.deferredMinor} >= 0 and (${t.invoiceId} is null) = (${t.rentMinor} = 0)`,
    ),
  ],
);

/**
 * A holder's part of one rent receipt (the waterfall): interest arrears, interest and principal paid to
 * the holder's payable, and the month's interest the receipt left unpaid (the holder's new arrears).
 * Append-only (triggers in the migrations).
 */
export const bondReceipts = pgTable(
  "bond_receipts",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    rentMonthId: integer("rent_month_id")
      .notNull()
      .references(() => rentMonths.id),
    paymentId: integer("payment_id")
      .notNull()
      .references(() => payments.id),
    issueId: integer("issue_id")
      .notNull()
      .references(() => bondIssues.id),
    subscriptionId: integer("subscription_id")
      .notNull()
      .references(() => bondSubscriptions.id),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    currency: text("currency").notNull(),
    arrearsMinor: bigint("arrears_minor", { mode: "number" }).notNull(),
    interestMinor: bigint("interest_minor", { mode: "number" }).notNull(),
    principalMinor: bigint("principal_minor", { mode: "number" }).notNull(),
    deferredInterestMinor: bigint("deferred_interest_minor", { mode: "number" }).notNull(),
    paidOn: text("paid_on").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("bond_receipts_subscription").on(t.subscriptionId),
    index("bond_receipts_organization").on(t.organizationId),
    index("bond_receipts_rent_month").on(t.rentMonthId),
    check(
      "bond_receipts_amounts_check",
      sql`${t.arrearsMinor} >= 0 and ${t.interestMinor} >= 0 and ${t.principalMinor} >= 0 and ${t.deferredInterestMinor} >= 0`,
    ),
  ],
);

/** What one rent receipt left to the commune (beyond the bonds' due; all of it once the asset is owned): the month's pool. */
export const rentIncome = pgTable(
  "rent_income",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    rentMonthId: integer("rent_month_id")
      .notNull()
      .references(() => rentMonths.id),
    paymentId: integer("payment_id")
      .notNull()
      .references(() => payments.id),
    assetId: integer("asset_id")
      .notNull()
      .references(() => assets.id),
    currency: text("currency").notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    paidOn: text("paid_on").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("rent_income_paid_on").on(t.paidOn), check("rent_income_amount_check", sql`${t.amountMinor} > 0`)],
);

/**
 * The month's interest the non-extractive cap deferred, per holder, written by the rent run: it is the
 * holder's interest arrears until a later month's receipt pays it (PRODUCT.md §14). Append-only.
 */
export const bondDeferrals = pgTable(
  "bond_deferrals",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    rentMonthId: integer("rent_month_id")
      .notNull()
      .references(() => rentMonths.id),
    issueId: integer("issue_id")
      .notNull()
      .references(() => bondIssues.id),
    subscriptionId: integer("subscription_id")
      .notNull()
      .references(() => bondSubscriptions.id),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    currency: text("currency").notNull(),
    interestMinor: bigint("interest_minor", { mode: "number" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("bond_deferrals_subscription").on(t.subscriptionId), check("bond_deferrals_amount_check", sql`${t.interestMinor} > 0`)],
);

/**
 * The sale of a returned asset, holders first (PRODUCT.md §14): the proceeds, what they paid the holders,
 * what was left to the month's pool, and the holders' loss written off. One per asset. Append-only.
 */
export const assetSales = pgTable(
  "asset_sales",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    assetId: integer("asset_id")
      .notNull()
      .references(() => assets.id),
    currency: text("currency").notNull(),
    proceedsMinor: bigint("proceeds_minor", { mode: "number" }).notNull(),
    /** The productive asset's book value (its issues' proceeds) taken out of the books. */
    bookValueMinor: bigint("book_value_minor", { mode: "number" }).notNull(),
    paidToHoldersMinor: bigint("paid_to_holders_minor", { mode: "number" }).notNull(),
    /** Proceeds beyond what the holders were owed: the pool of the month of the sale. */
    surplusMinor: bigint("surplus_minor", { mode: "number" }).notNull(),
    writtenOffMinor: bigint("written_off_minor", { mode: "number" }).notNull(),
    soldOn: text("sold_on").notNull(),
    reason: text("reason").notNull(),
    recordedBy: integer("recorded_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("asset_sales_asset_unique").on(t.assetId),
    index("asset_sales_sold_on").on(t.soldOn),
    check(
      "asset_sales_amounts_check",
      sql`${t.proceedsMinor} >= 0 and ${t.bookValueMinor} >= 0 and ${t.paidToHoldersMinor} >= 0 and ${t.surplusMinor} >= 0 and ${t.writtenOffMinor} >= 0 and ${t.paidToHoldersMinor} + ${t.surplusMinor} = ${t.proceedsMinor}`,
    ),
  ],
);

/** A holder's part of an asset's sale: arrears and principal paid to its payable, and what was written off. Append-only. */
export const assetSaleReceipts = pgTable(
  "asset_sale_receipts",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    saleId: integer("sale_id")
      .notNull()
      .references(() => assetSales.id),
    issueId: integer("issue_id")
      .notNull()
      .references(() => bondIssues.id),
    subscriptionId: integer("subscription_id")
      .notNull()
      .references(() => bondSubscriptions.id),
    organizationId: integer("organization_id")
      .notNull()
      .references(() => organizations.id),
    currency: text("currency").notNull(),
    arrearsMinor: bigint("arrears_minor", { mode: "number" }).notNull(),
    principalMinor: bigint("principal_minor", { mode: "number" }).notNull(),
    arrearsWrittenOffMinor: bigint("arrears_written_off_minor", { mode: "number" }).notNull(),
    principalWrittenOffMinor: bigint("principal_written_off_minor", { mode: "number" }).notNull(),
    paidOn: text("paid_on").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("asset_sale_receipts_subscription").on(t.subscriptionId),
    check(
      "asset_sale_receipts_amounts_check",
      sql`${t.arrearsMinor} >= 0 and ${t.principalMinor} >= 0 and ${t.arrearsWrittenOffMinor} >= 0 and ${t.principalWrittenOffMinor} >= 0`,
    ),
  ],
);
