// The request and response shapes of the grants API.
import { z } from "zod";
import { monthSchema } from "../shared/schemas.js";
import { slugParam } from "../works/works.schemas.js";

/** Grants are named by a UUID, not a numeric id. */
export const grantIdParam = z.object({ id: z.uuid() });

/** The cursor of a page of an organization's grants: the last grant's month, work slug and id. */
export const grantsCursor = z.tuple([monthSchema, slugParam.shape.slug, z.uuid()]);

export const grantResponse = z
  .object({
    id: z.string(),
    document: z.string(),
    signature: z.string(),
    algorithm: z.literal("Ed25519"),
    keyFingerprint: z.string(),
    organizationId: z.number().int(),
    organizationName: z.string(),
    workSlug: z.string(),
    month: z.string(),
    invoiceNumber: z.string().nullable(),
    publicKeyUrl: z.string(),
    issuedAt: z.string(),
    revokedOn: z.string().nullable(),
  })
  .meta({ id: "Grant" });

export const grantsResponse = z.object({ grants: z.array(grantResponse) });
