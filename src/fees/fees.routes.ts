import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import { z } from "zod";
import { cursorQuery, nextSchema, pageOfList } from "../http/pagination.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { feeScheduleView, isFeeScheduleUsed, listFeeSchedules } from "./fee-schedules.queries.js";
import { saveFeeSchedule } from "./save-fee-schedule.js";
import { listExchangeRates, recordExchangeRate } from "./exchange-rates.js";
import {
  createFeeScheduleBody,
  exchangeRateBody,
  exchangeRateResponse,
  exchangeRatesResponse,
  feeScheduleResponse,
  feeSchedulesResponse,
  replaceFeeScheduleBody,
} from "./fees.schemas.js";

export function registerFeeRoutes(api: ApiRouter, deps: AppDeps): void {
  registerFeeScheduleRoutes(api, deps);
  registerExchangeRateRoutes(api, deps);
}

function registerFeeScheduleRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const tag = "fees";

  api.route(
    {
      method: "get",
      path: "/fee-schedules",
      tag,
      summary: "Every version of the fee schedule",
      auth: "treasurer",
      query: z.object(cursorQuery),
      responses: { 200: { description: "Versions, oldest first", schema: feeSchedulesResponse } },
    },
    async ({ query, req, res }) => {
      const { items, next } = pageOfList(req, res, publicBaseUrl(deps.config), await listFeeSchedules(db), query, (f) => f.id);
      res.json({ feeSchedules: items, next });
    },
  );

  api.route(
    {
      method: "post",
      path: "/fee-schedules",
      tag,
      summary: "Add a fee schedule version taking effect on a date",
      auth: "treasurer",
      body: createFeeScheduleBody,
      responses: { 201: { description: "The version", schema: feeScheduleResponse } },
    },
    async ({ body, user, res }) => {
      const s = await saveFeeSchedule(db, { ...body, actorUserId: user.id }, { clock });
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/fee-schedules`)
        .json(feeScheduleView(s, false));
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
      body: replaceFeeScheduleBody,
      responses: { 200: { description: "The version", schema: feeScheduleResponse } },
    },
    async ({ params, body, user, res }) => {
      const s = await saveFeeSchedule(db, { ...body, effectiveOn: "", replaceId: params.id, actorUserId: user.id }, { clock });
      res.json(feeScheduleView(s, await isFeeScheduleUsed(db, s.id)));
    },
  );
}

function registerExchangeRateRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const tag = "fees";
  api.route(
    {
      method: "get",
      path: "/exchange-rates",
      tag,
      summary: "Exchange rates recorded to convert revenue declared in another currency than the fee schedule's",
      auth: "treasurer",
      query: z.object(cursorQuery),
      responses: { 200: { description: "Rates, by currency pair and date", schema: exchangeRatesResponse.extend({ next: nextSchema }) } },
    },
    async ({ query, req, res }) => {
      const { items, next } = pageOfList(req, res, publicBaseUrl(deps.config), await listExchangeRates(db), query, (r) => r.id);
      res.json({ exchangeRates: items, next });
    },
  );

  api.route(
    {
      method: "post",
      path: "/exchange-rates",
      tag,
      summary: "Record an exchange rate taking effect on a date (not in a month already billed)",
      auth: "treasurer",
      body: exchangeRateBody,
      responses: { 201: { description: "The rate", schema: exchangeRateResponse } },
    },
    async ({ body, user, res }) => {
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/exchange-rates`)
        .json(await recordExchangeRate(db, { ...body, actorUserId: user.id }, { clock }));
    },
  );
}
