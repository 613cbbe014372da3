// Reading assets and their lifecycle.
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { lockForUpdate, queryRows } from "../db/sql.js";
import { assetEvents, assets, memberships, organizations } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { AppError } from "../shared/errors.js";
import { moneyJson } from "../shared/money.js";

export type Asset = typeof assets.$inferSelect;
export type AssetEvent = typeof assetEvents.$inferSelect;

export async function assetById(db: Db, id: number): Promise<Asset | undefined> {
  const [asset] = await db.select().from(assets).where(eq(assets.id, id)).limit(1);
  return asset;
}

/** Inside a transaction: locks the asset's row until the commit, then reads it as it now is. */
export async function lockAsset(tx: Db, id: number): Promise<Asset | undefined> {
  await queryRows(tx, sql`select ${assets.id} from ${assets} where ${assets.id} = ${id}${lockForUpdate(tx)}`);
  return assetById(tx, id);
}

/** Assets are the members' business: any user who belongs to an organization sees them, treasurers too. */
export async function requireAssetReader(db: Db, actor: Actor): Promise<void> {
  if (actor.isTreasurer) return;
  const [row] = await db.select({ id: memberships.organizationId }).from(memberships).where(eq(memberships.userId, actor.id)).limit(1);
  if (!row) throw new AppError("forbidden", "Assets are shown to members of an organization.");
}

export async function requireAsset(db: Db, actor: Actor, id: number): Promise<Asset> {
  await requireAssetReader(db, actor);
  const asset = await assetById(db, id);
  if (!asset) throw new AppError("not_found", "Asset was not found.");
  return asset;
}

/** Assets by id, a keyset page at a time (the first 1000 when no page is asked for). */
export async function listAssets(
  db: Db,
  actor: Actor,
  page: { afterId?: number | undefined; limit: number } = { limit: 1000 },
): Promise<Asset[]> {
  await requireAssetReader(db, actor);
  const after = page.afterId === undefined ? undefined : gt(assets.id, page.afterId);
  return db.select().from(assets).where(after).orderBy(asc(assets.id)).limit(page.limit);
}

export async function assetHistory(db: Db, assetIds: number[]): Promise<Map<number, AssetEvent[]>> {
  const rows =
    assetIds.length === 0
      ? []
      : await db.select().from(assetEvents).where(inArray(assetEvents.assetId, assetIds)).orderBy(asc(assetEvents.id));
  const byAsset = new Map<number, AssetEvent[]>();
  for (const row of rows) byAsset.set(row.assetId, [...(byAsset.get(row.assetId) ?? []), row]);
  return byAsset;
}

export const assetView = (asset: Asset, history: AssetEvent[]) => ({
  id: asset.id,
  lesseeOrganizationId: asset.lesseeOrganizationId,
  title: asset.title,
  description: asset.description,
  cost: moneyJson(asset.costMinor, asset.currency),
  rentalOffer: { monthlyRent: moneyJson(asset.monthlyRentMinor, asset.currency), termMonths: asset.termMonths },
  status: asset.status,
  history: history.map((e) => ({ from: e.fromStatus, to: e.toStatus, reason: e.reason, at: e.createdAt })),
  createdAt: asset.createdAt,
});

/** The verified cooperatives a user owns: where the user may propose assets. */
export async function ownedVerifiedCooperatives(db: Db, userId: number): Promise<number[]> {
  const rows = await db
    .select({ id: organizations.id })
    .from(organizations)
    .innerJoin(memberships, eq(memberships.organizationId, organizations.id))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.role, "owner"),
        eq(organizations.kind, "worker_cooperative"),
        eq(organizations.verificationStatus, "verified"),
      ),
    )
    .orderBy(asc(organizations.id));
  return rows.map((r) => r.id);
}
