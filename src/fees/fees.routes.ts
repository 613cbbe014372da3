import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { currencySchema, isoDateSchema, moneyInputSchema, moneyOutputSchema } from "../shared/schemas.js";
import { feeScheduleView, isFeeScheduleUsed, listFeeSchedules } from "./fee-schedules.queries.js";
import { saveFeeSchedule } from "./save-fee-schedule.js";

/** An annual fee per work above 10^12 minor units would let totals leave the safe-integer range. */
export const MAX_ANNUAL_FEE_MINOR = 1_000_000_000_000;

const bandBody = z.strictObject({
  minHeadcount: z.number().int().min(0).max(10_000_000),
  maxHeadcount: z.number().int().min(0).max(10_000_000).nullable(),
  annualFee: moneyInputSchema.refine((m) => m.amountMinor <= MAX_ANNUAL_FEE_MINOR, "is larger than the commune allows"),
});

const scheduleContent = {
  currency: currencySchema,
  revenueCapBps: z.number().int().min(0).max(10_000).nullable().default(null),
  bands: z.array(bandBody).min(1).max(50),
};

const createBody = z.strictObject({ effectiveOn: isoDateSchema, ...scheduleContent });
const replaceBody = z.strictObject(scheduleContent);

const scheduleResponse = z
  .object({
    id: z.number().int(),
    effectiveOn: z.string(),
    currency: z.string(),
    revenueCapBps: z.number().int().nullable(),
    bands: z.array(z.object({ minHeadcount: z.number().int(), maxHeadcount: z.number().int().nullable(), annualFee: moneyOutputSchema })),
    usedByBillingRun: z.boolean(),
  })
  .meta({ id: "FeeSchedule" });

export function registerFeeRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const tag = "fees";

  api.route(
    {
      method: "get",
      path: "/fee-schedules",
      tag,
      summary: "Every version of the fee schedule",
      auth: "treasurer",
      responses: { 200: { description: "Versions, oldest first", schema: z.object({ feeSchedules: z.array(scheduleResponse) }) } },
    },
    async ({ res }) => {
      res.json({ feeSchedules: await listFeeSchedules(db) });
    },
  );

  api.route(
    {
      method: "post",
      path: "/fee-schedules",
      tag,
      summary: "Add a fee schedule version taking effect on a date",
      auth: "treasurer",
      body: createBody,
      responses: { 201: { description: "The version", schema: scheduleResponse } },
    },
    async ({ body, user, res }) => {
      const s = await saveFeeSchedule(db, { ...body, actorUserId: user.id }, { clock });
      res.status(201).json(feeScheduleView(s, false));
    },
  );

  api.route(
    {
      method: "put",
      path: "/fee-schedules/{id}",
      tag,
      summary: "Replace a version no billing run has used (409 otherwise)",
      auth: "treasurer",
      params: idParam,
      body: replaceBody,
      responses: { 200: { description: "The version", schema: scheduleResponse } },
    },
    async ({ params, body, user, res }) => {
      const s = await saveFeeSchedule(db, { ...body, effectiveOn: "", replaceId: params.id, actorUserId: user.id }, { clock });
      res.json(feeScheduleView(s, await isFeeScheduleUsed(db, s.id)));
    },
  );
}
