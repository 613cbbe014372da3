import { z } from "zod";
import { idSchema, moneyInputSchema, moneyOutputSchema, monthSchema } from "../shared/schemas.js";
import { ASSET_STATUSES, MANUAL_ASSET_TRANSITIONS } from "./vocabulary.js";

export const proposeAssetBody = z.strictObject({
  organizationId: idSchema.optional(),
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(10_000),
  cost: moneyInputSchema,
  rentalOffer: z.strictObject({ monthlyRent: moneyInputSchema, termMonths: z.number().int().min(1).max(600) }),
});

export const assetTransitionBody = z.strictObject({
  to: z.enum(MANUAL_ASSET_TRANSITIONS),
  reason: z.string().trim().min(1).max(2000),
});

export const assetResponse = z.object({
  id: z.number().int(),
  lesseeOrganizationId: z.number().int(),
  title: z.string(),
  description: z.string(),
  cost: moneyOutputSchema,
  rentalOffer: z.object({ monthlyRent: moneyOutputSchema, termMonths: z.number().int() }),
  status: z.enum(ASSET_STATUSES),
  history: z.array(z.object({ from: z.enum(ASSET_STATUSES).nullable(), to: z.enum(ASSET_STATUSES), reason: z.string(), at: z.string() })),
  createdAt: z.string(),
});

export const surplusBody = z.strictObject({ month: monthSchema, surplus: moneyInputSchema });

export const surplusResponse = z.object({
  assetId: z.number().int(),
  month: z.string(),
  surplus: moneyOutputSchema,
  /** The most the month's repayment may take (the default cap of 5,000 bps). */
  cap: moneyOutputSchema,
});
