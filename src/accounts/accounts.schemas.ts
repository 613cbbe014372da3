import { z } from "zod";
import { idParamSchema, plainText } from "../shared/schemas.js";

export const createUserBody = z.strictObject({
  email: z.email().max(254),
  name: plainText(z.string().trim().min(1).max(200)),
  password: z.string().min(8, "must be at least 8 characters").max(200).optional(),
});

export const userResponse = z
  .object({ id: z.number().int(), email: z.string(), name: z.string(), isTreasurer: z.boolean(), createdAt: z.string() })
  .meta({ id: "User" });

export const createTokenBody = z.strictObject({ name: z.string().trim().min(1).max(100).default("api") });

export const tokenResponse = z
  .object({
    id: z.number().int(),
    name: z.string(),
    displayPrefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ApiToken" });

export const createdTokenResponse = tokenResponse.extend({ secret: z.string().describe("Shown once; store it now.") });

export const tokenParams = z.object({
  id: idParamSchema,
  tokenId: idParamSchema,
});
