// The request and response shapes of the audit log API.
import { z } from "zod";
import { idParamSchema } from "../shared/schemas.js";

export const auditQuery = z.object({
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(50).optional(),
  before: idParamSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const auditEntriesResponse = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: z.string(),
      actor: z.object({ userId: z.number().int(), email: z.string().nullable() }).nullable(),
      action: z.string(),
      entityType: z.string(),
      entityId: z.string(),
      before: z.unknown(),
      after: z.unknown(),
    }),
  ),
});
