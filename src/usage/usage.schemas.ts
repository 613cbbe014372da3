import { z } from "zod";
import { USAGE_PURPOSES } from "./vocabulary.js";
import { idParamSchema, isoDateSchema } from "../shared/schemas.js";

export const usageBody = z.strictObject({
  workSlug: z.string().min(1).max(80),
  purpose: z.enum(USAGE_PURPOSES),
  startedOn: isoDateSchema,
  endedOn: isoDateSchema.nullable().optional(),
});

export const endUsageBody = z.strictObject({ endedOn: isoDateSchema });

export const usageParams = z.object({ id: idParamSchema, usageId: idParamSchema });

export const usageResponse = z
  .object({
    id: z.number().int(),
    organizationId: z.number().int(),
    workSlug: z.string(),
    workTitle: z.string(),
    purpose: z.enum(USAGE_PURPOSES),
    startedOn: z.string(),
    endedOn: z.string().nullable(),
    obligation: z.enum(["none", "held", "fee"]),
    createdAt: z.string(),
  })
  .meta({ id: "Usage" });
