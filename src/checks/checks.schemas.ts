// The request and response shapes of lockfile checks: the API's validation and its OpenAPI document.
import { z } from "zod";
import { moneyOutputSchema } from "../shared/schemas.js";
import { LOCKFILE_FORMATS } from "./readers/component.js";
import { WORK_VERIFICATIONS } from "../works/vocabulary.js";
import { CHECK_OBLIGATIONS } from "./vocabulary.js";

export const checkReportResponse = z
  .object({
    format: z.enum(LOCKFILE_FORMATS),
    componentCount: z.number().int(),
    unidentifiedCount: z.number().int(),
    organizationId: z.number().int().nullable(),
    organizationObligation: z.enum(["none", "held", "fee"]).nullable(),
    band: z.object({ minHeadcount: z.number().int(), maxHeadcount: z.number().int().nullable(), basedOn: z.string() }).nullable(),
    feeScheduleId: z.number().int(),
    checkId: z.number().int().nullable(),
    matches: z.array(
      z.object({
        purl: z.string(),
        work: z.object({ slug: z.string(), title: z.string(), license: z.string(), verification: z.enum(WORK_VERIFICATIONS) }),
        obligation: z.enum(CHECK_OBLIGATIONS),
        licenseChoice: z.enum(["ppl", "non_ppl_alternative", "undeclared"]),
        declaredLicense: z.string().nullable(),
        annualFee: moneyOutputSchema.optional(),
        declaredUsage: z.boolean().optional(),
        grantForCurrentMonth: z.boolean().optional(),
      }),
    ),
    works: z.array(
      z.object({
        slug: z.string(),
        title: z.string(),
        verification: z.enum(WORK_VERIFICATIONS),
        obligation: z.enum(CHECK_OBLIGATIONS),
        versions: z.number().int(),
        annualFee: moneyOutputSchema.optional(),
        declaredUsage: z.boolean().optional(),
      }),
    ),
    overdueInvoices: z.array(
      z.object({ number: z.string(), dueOn: z.string(), outstanding: moneyOutputSchema, workSlugs: z.array(z.string()) }),
    ),
    totals: z.object({
      matches: z.number().int(),
      works: z.number().int(),
      worksWithObligation: z.number().int(),
      worksWithoutDeclaredUsage: z.number().int(),
      unverifiedWorks: z.number().int(),
      annualFee: moneyOutputSchema.optional(),
      annualFeeByBand: z
        .array(
          z.object({
            minHeadcount: z.number().int(),
            maxHeadcount: z.number().int().nullable(),
            annualFeePerWork: moneyOutputSchema,
            annualFee: moneyOutputSchema,
          }),
        )
        .optional(),
    }),
  })
  .meta({ id: "CheckReport" });
