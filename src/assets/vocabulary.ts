// The words of the venture commune's productive assets (PRODUCT.md §14).

/**
 * An asset's lifecycle: a verified cooperative proposes it; a treasurer puts it on offer (its bond issue);
 * clearing leases it to the cooperative; redemption makes it the commune's outright; a lessee may return
 * it, and a returned asset is offered again or, unwanted, liquidated.
 */
export const ASSET_STATUSES = ["proposed", "offering", "leased", "returned", "owned", "liquidated"] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/** Every allowed step, from → to. */
export const ASSET_TRANSITIONS: Readonly<Record<AssetStatus, readonly AssetStatus[]>> = {
  proposed: ["offering", "liquidated"],
  offering: ["leased", "liquidated"],
  leased: ["owned", "returned"],
  owned: ["returned"],
  returned: ["offering", "liquidated"],
  liquidated: [],
};

/** Steps a treasurer takes by hand; `leased` comes from clearing a bond issue, `owned` from redemption. */
export const MANUAL_ASSET_TRANSITIONS = ["offering", "returned", "liquidated"] as const satisfies readonly AssetStatus[];

export function canTransition(from: AssetStatus, to: AssetStatus): boolean {
  return ASSET_TRANSITIONS[from].includes(to);
}

/**
 * A step a treasurer may take by hand from `from`. A returned asset is the commune's (its bonds bought it):
 * it is liquidated only by recording its sale, holders first, not by a bare step.
 */
export function isManualStep(from: AssetStatus, to: AssetStatus): boolean {
  return (
    (MANUAL_ASSET_TRANSITIONS as readonly AssetStatus[]).includes(to) &&
    canTransition(from, to) &&
    !(from === "returned" && to === "liquidated")
  );
}
