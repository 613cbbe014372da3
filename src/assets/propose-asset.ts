// A verified cooperative proposes a productive asset with its rental offer (PRODUCT.md §14).
import type { Db } from "../db/client.js";
import { assetEvents, assets } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { ownedVerifiedCooperatives, type Asset } from "./assets.queries.js";

export interface AssetProposal {
  /** Needed only when the user owns several verified cooperatives. */
  organizationId?: number;
  title: string;
  description: string;
  cost: Money;
  rentalOffer: { monthlyRent: Money; termMonths: number };
}

async function proposingCooperative(db: Db, actor: Actor, organizationId: number | undefined): Promise<number> {
  const owned = await ownedVerifiedCooperatives(db, actor.id);
  if (organizationId !== undefined) {
    if (!owned.includes(organizationId)) throw new AppError("forbidden", "Only owners of a verified cooperative propose assets for it.");
    return organizationId;
  }
  if (owned.length === 1) return owned[0]!;
  if (owned.length === 0) throw new AppError("forbidden", "Only owners of a verified cooperative propose assets.");
  throw new AppError("validation_failed", "You own several verified cooperatives: say which one proposes the asset.", {
    errors: [{ path: "/organizationId", message: "is required: you own several verified cooperatives" }],
  });
}

function checkProposal(input: AssetProposal): void {
  const { cost, rentalOffer } = input;
  if (rentalOffer.monthlyRent.currency !== cost.currency) {
    throw new AppError("validation_failed", "The rent and the cost are in one currency.", {
      errors: [{ path: "/rentalOffer/monthlyRent/currency", message: `must be ${cost.currency}` }],
    });
  }
  const zero = [
    ["/cost", cost.amountMinor],
    ["/rentalOffer/monthlyRent", rentalOffer.monthlyRent.amountMinor],
  ].filter(([, amount]) => amount === 0);
  if (zero.length > 0) {
    throw new AppError("validation_failed", "Amounts must be positive.", {
      errors: zero.map(([path]) => ({ path: String(path), message: "must be positive" })),
    });
  }
}

export async function proposeAsset(db: Db, actor: Actor, input: AssetProposal, deps: { clock: Clock }): Promise<Asset> {
  checkProposal(input);
  const lesseeOrganizationId = await proposingCooperative(db, actor, input.organizationId);
  const now = isoNow(deps.clock);
  return db.transaction(async (tx) => {
    const [asset] = await tx
      .insert(assets)
      .values({
        lesseeOrganizationId,
        title: input.title,
        description: input.description,
        currency: input.cost.currency,
        costMinor: input.cost.amountMinor,
        monthlyRentMinor: input.rentalOffer.monthlyRent.amountMinor,
        termMonths: input.rentalOffer.termMonths,
        status: "proposed",
        proposedBy: actor.id,
        createdAt: now,
      })
      .returning();
    await tx
      .insert(assetEvents)
      .values({ assetId: asset!.id, fromStatus: null, toStatus: "proposed", reason: "proposed", actorUserId: actor.id, createdAt: now });
    await recordAudit(
      tx,
      { actorUserId: actor.id, action: "asset.propose", entityType: "asset", entityId: asset!.id, after: asset },
      deps.clock,
    );
    return asset!;
  });
}
