// The request and response shapes of the audit log API.
import { z } from "zod";
import { cursorQuery, nextSchema } from "../shared/schemas.js";

export const auditQuery = z.object({
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(50).optional(),
  ...cursorQuery,
});

/** An audit cursor: the id of the last entry shown (newest first). */
export const auditCursor = z.tuple([z.number().int().min(1)]);

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
  next: nextSchema,
});
