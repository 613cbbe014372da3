// Payee profiles: where an organization is paid (legal name, country, IBAN, its own minimum payout).
// Only its owners and treasurers read or set it; the IBAN is never shown to another organization.
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { payeeProfiles } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { moneyJson, type Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireOrganizationAccess } from "../organizations/organizations.queries.js";

export type PayeeProfile = typeof payeeProfiles.$inferSelect;

/** The IBAN in electronic form (no spaces, upper case), or null when it is not one (ISO 13616 mod-97). */
export function normalizeIban(input: string): string | null {
  const iban = input.replace(/[\s-]/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return null;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1 ? iban : null;
}

/** "DE89 •••• 3000": enough to recognise an account, not to use it (for logs and the audit trail). */
export const maskIban = (iban: string): string => `${iban.slice(0, 4)} •••• ${iban.slice(-4)}`;

export async function payeeOf(db: Db, organizationId: number): Promise<PayeeProfile | undefined> {
  const [row] = await db.select().from(payeeProfiles).where(eq(payeeProfiles.organizationId, organizationId)).limit(1);
  return row;
}

export async function payeesOf(db: Db, organizationIds: number[]): Promise<Map<number, PayeeProfile>> {
  if (organizationIds.length === 0) return new Map();
  const rows = await db.select().from(payeeProfiles).where(inArray(payeeProfiles.organizationId, organizationIds));
  return new Map(rows.map((r) => [r.organizationId, r]));
}

export function payeeView(p: PayeeProfile, currency: string) {
  return {
    organizationId: p.organizationId,
    legalName: p.legalName,
    country: p.country,
    iban: p.iban,
    minimumPayout: p.minimumPayoutMinor === null ? null : moneyJson(p.minimumPayoutMinor, currency),
    updatedAt: p.updatedAt,
  };
}

export async function readPayee(db: Db, actor: Actor, organizationId: number): Promise<PayeeProfile> {
  await requireOrganizationAccess(db, actor, organizationId, "owner");
  const profile = await payeeOf(db, organizationId);
  if (!profile) throw new AppError("not_found", "This organization has no payee details yet.");
  return profile;
}

export interface PayeeInput {
  organizationId: number;
  legalName: string;
  country: string;
  iban: string;
  minimumPayout?: Money | undefined;
}

export async function setPayee(db: Db, actor: Actor, input: PayeeInput, deps: { clock: Clock }): Promise<PayeeProfile> {
  await requireOrganizationAccess(db, actor, input.organizationId, "owner");
  const iban = normalizeIban(input.iban);
  if (!iban)
    throw new AppError("validation_failed", "The IBAN is not valid.", {
      errors: [{ path: "/iban", message: "is not a valid IBAN (check digits)" }],
    });
  const row = {
    organizationId: input.organizationId,
    legalName: input.legalName,
    country: input.country,
    iban,
    minimumPayoutMinor: input.minimumPayout?.amountMinor ?? null,
    updatedBy: actor.id,
    updatedAt: isoNow(deps.clock),
  };
  return db.transaction(async (tx) => {
    const before = await payeeOf(tx, input.organizationId);
    await tx.insert(payeeProfiles).values(row).onConflictDoUpdate({ target: payeeProfiles.organizationId, set: row });
    const masked = (p: PayeeProfile | typeof row | undefined) => p && { ...p, iban: maskIban(p.iban) };
    await recordAudit(
      tx,
      {
        actorUserId: actor.id,
        action: "organization.payee_set",
        entityType: "organization",
        entityId: input.organizationId,
        before: masked(before),
        after: masked(row),
      },
      deps.clock,
    );
    return (await payeeOf(tx, input.organizationId))!;
  });
}
