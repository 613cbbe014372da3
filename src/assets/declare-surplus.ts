// The lessee declares a month's surplus: the base of the non-extractive cap on that month's repayment.
import type { Db } from "../db/client.js";
import { assetSurpluses } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { membershipOf } from "../organizations/organizations.queries.js";
import { repaymentCapMinor } from "../bonds/repayment.js";
import { lockAsset } from "./assets.queries.js";

export interface SurplusDeclaration {
  assetId: number;
  month: string;
  surplus: Money;
}

export interface DeclaredSurplus {
  assetId: number;
  month: string;
  surplus: Money;
  /** floor(surplus × capBps ÷ 10,000) at the default cap. */
  capMinor: number;
}

export async function declareSurplus(db: Db, actor: Actor, input: SurplusDeclaration, deps: { clock: Clock }): Promise<DeclaredSurplus> {
  if (input.month > today(deps.clock).slice(0, 7)) {
    throw new AppError("validation_failed", "A surplus is declared for a month that has begun.", {
      errors: [{ path: "/month", message: "must not be in the future" }],
    });
  }
  return db.transaction(async (tx) => {
    const asset = await lockAsset(tx, input.assetId);
    const role = asset ? await membershipOf(tx, asset.lesseeOrganizationId, actor.id) : undefined;
    if (!asset || (role === undefined && !actor.isTreasurer)) throw new AppError("not_found", "Asset was not found.");
    if (role !== "owner") throw new AppError("forbidden", "Only owners of the lessee declare its surplus.");
    if (asset.status !== "leased")
      throw new AppError("invalid_state", `The asset is ${asset.status}; a surplus caps the rent of a leased asset.`);
    if (input.surplus.currency !== asset.currency) {
      throw new AppError("validation_failed", "Wrong currency.", {
        errors: [{ path: "/surplus/currency", message: `must be ${asset.currency}` }],
      });
    }
    const row = {
      assetId: asset.id,
      month: input.month,
      currency: asset.currency,
      surplusMinor: input.surplus.amountMinor,
      declaredBy: actor.id,
      createdAt: isoNow(deps.clock),
    };
    await tx.insert(assetSurpluses).values(row);
    await recordAudit(
      tx,
      { actorUserId: actor.id, action: "asset.surplus", entityType: "asset", entityId: asset.id, after: row },
      deps.clock,
    );
    return { assetId: asset.id, month: input.month, surplus: input.surplus, capMinor: repaymentCapMinor(input.surplus.amountMinor) };
  });
}
