// A treasurer opens a bond issue for an asset on offer (PRODUCT.md §14).
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { bondIssues } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError, type FieldError } from "../shared/errors.js";
import type { Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { lockAsset, type Asset } from "../assets/assets.queries.js";
import { repaymentSchedule } from "./schedule.js";
import type { BondIssue } from "./bonds.queries.js";
import type { IssueMode, RepaymentMethod } from "./vocabulary.js";

export interface BondIssueInput {
  assetId: number;
  target: Money;
  minimum: Money;
  maxRateBps: number;
  mode: IssueMode;
  opensOn: string;
  closesOn: string;
  termMonths: number;
  repayment: RepaymentMethod;
  minSubscription: Money;
  maxPerHolder: Money;
  /** The offer document the members subscribe on, stored as written. */
  offerDocument?: string | undefined;
}

function termErrors(input: BondIssueInput, asset: Asset): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ["target", "minimum", "minSubscription", "maxPerHolder"] as const) {
    if (input[key].currency !== asset.currency)
      errors.push({ path: `/${key}/currency`, message: `must be ${asset.currency}, the asset's currency` });
  }
  if (input.target.amountMinor === 0) errors.push({ path: "/target", message: "must be positive" });
  if (input.minimum.amountMinor > input.target.amountMinor) errors.push({ path: "/minimum", message: "must not exceed the target" });
  if (input.minSubscription.amountMinor === 0) errors.push({ path: "/minSubscription", message: "must be positive" });
  if (input.maxPerHolder.amountMinor < input.minSubscription.amountMinor) {
    errors.push({ path: "/maxPerHolder", message: "must be at least the minimum subscription" });
  }
  if (input.closesOn < input.opensOn) errors.push({ path: "/closesOn", message: "must not be before opensOn" });
  return errors;
}

/** The terms must give a repayment plan at the worst rate: the same function that will book it. */
function checkPlan(input: BondIssueInput, asset: Asset): void {
  repaymentSchedule({
    principalMinor: input.target.amountMinor,
    rateBps: input.maxRateBps,
    termMonths: input.termMonths,
    method: input.repayment,
    startsOn: input.closesOn,
    monthlyRentMinor: asset.monthlyRentMinor,
  });
}

export async function createBondIssue(db: Db, actor: Actor, input: BondIssueInput, deps: { clock: Clock }): Promise<BondIssue> {
  if (!actor.isTreasurer) throw new AppError("forbidden", "Only a treasurer opens a bond issue.");
  return db.transaction(async (tx) => {
    const asset = await lockAsset(tx, input.assetId);
    if (!asset) throw new AppError("not_found", "Asset was not found.");
    if (asset.status !== "offering")
      throw new AppError("invalid_state", `The asset is ${asset.status}; bonds are issued for an asset on offer.`);
    const errors = termErrors(input, asset);
    if (errors.length > 0) throw new AppError("validation_failed", "The bond issue's terms do not hold together.", { errors });
    checkPlan(input, asset);
    const [open] = await tx
      .select({ id: bondIssues.id })
      .from(bondIssues)
      .where(and(eq(bondIssues.assetId, asset.id), eq(bondIssues.status, "open")))
      .limit(1);
    if (open) throw new AppError("conflict", `Bond issue ${open.id} is already open for this asset.`);
    const [issue] = await tx
      .insert(bondIssues)
      .values({
        assetId: asset.id,
        currency: asset.currency,
        targetMinor: input.target.amountMinor,
        minimumMinor: input.minimum.amountMinor,
        maxRateBps: input.maxRateBps,
        mode: input.mode,
        opensOn: input.opensOn,
        closesOn: input.closesOn,
        termMonths: input.termMonths,
        repayment: input.repayment,
        minSubscriptionMinor: input.minSubscription.amountMinor,
        maxPerHolderMinor: input.maxPerHolder.amountMinor,
        offerDocument: input.offerDocument ?? null,
        status: "open",
        createdBy: actor.id,
        createdAt: isoNow(deps.clock),
      })
      .returning();
    await recordAudit(
      tx,
      { actorUserId: actor.id, action: "bond_issue.create", entityType: "bond_issue", entityId: issue!.id, after: issue },
      deps.clock,
    );
    return issue!;
  });
}
