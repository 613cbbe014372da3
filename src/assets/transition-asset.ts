// One step of an asset's lifecycle, checked against the allowed steps and kept in its history.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { assetEvents, assets } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { lockAsset, type Asset } from "./assets.queries.js";
import { canTransition, MANUAL_ASSET_TRANSITIONS, type AssetStatus } from "./vocabulary.js";

/** Inside a transaction: moves a locked asset to `to`, or refuses a step the lifecycle does not have. */
export async function moveAsset(
  tx: Db,
  asset: Asset,
  to: AssetStatus,
  reason: string,
  actorUserId: number | null,
  clock: Clock,
): Promise<Asset> {
  if (!canTransition(asset.status, to)) throw new AppError("invalid_state", `The asset is ${asset.status}; it cannot become ${to}.`);
  const now = isoNow(clock);
  const [moved] = await tx.update(assets).set({ status: to }).where(eq(assets.id, asset.id)).returning();
  await tx.insert(assetEvents).values({ assetId: asset.id, fromStatus: asset.status, toStatus: to, reason, actorUserId, createdAt: now });
  await recordAudit(
    tx,
    { actorUserId, action: "asset.transition", entityType: "asset", entityId: asset.id, before: asset.status, after: to },
    clock,
  );
  return moved!;
}

/** A treasurer's step: put on offer, take back as returned, or liquidate. */
export async function transitionAsset(
  db: Db,
  actor: Actor,
  input: { assetId: number; to: AssetStatus; reason: string },
  deps: { clock: Clock },
): Promise<Asset> {
  if (!actor.isTreasurer) throw new AppError("forbidden", "Only a treasurer runs an asset's lifecycle.");
  if (!(MANUAL_ASSET_TRANSITIONS as readonly AssetStatus[]).includes(input.to)) {
    throw new AppError("validation_failed", `An asset becomes ${input.to} by its bonds, not by hand.`, {
      errors: [{ path: "/to", message: `must be one of ${MANUAL_ASSET_TRANSITIONS.join(", ")}` }],
    });
  }
  return db.transaction(async (tx) => {
    const asset = await lockAsset(tx, input.assetId);
    if (!asset) throw new AppError("not_found", "Asset was not found.");
    if (asset.status === "returned" && input.to === "liquidated")
      throw new AppError("invalid_state", "A returned asset is liquidated by recording its sale, holders first (POST /assets/{id}/sale).");
    return moveAsset(tx, asset, input.to, input.reason, actor.id, deps.clock);
  });
}
