// The fund's rules edited on the web, always as a new version in force from a date: fee schedules
// (`saveFeeSchedule`) and distribution policies (`createPolicy`), each page listing the versions. The
// forms send what the API takes, checked by the API's own schemas; a refused version shows the error
// summary with the fields at fault and keeps what was typed.
import type { Request, Router } from "express";
import type { AppDeps } from "../deps.js";
import { today } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { toDecimalString } from "../shared/money.js";
import { createFeeScheduleBody } from "../fees/fees.schemas.js";
import { saveFeeSchedule } from "../fees/save-fee-schedule.js";
import { feeScheduleOn, listFeeSchedules } from "../fees/fee-schedules.queries.js";
import { createPolicyBody } from "../distribution/distribution.schemas.js";
import { createPolicy, listPolicies, policyOn } from "../distribution/policies.js";
import { BUCKET_KINDS } from "../distribution/vocabulary.js";
import { formBody, formFromNotice, parseForm } from "./forms.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { requireTreasurer } from "./guards.js";
import { readableDate } from "./format.js";

/** Empty rows offered after the current version's, to add bands or buckets. */
const SPARE_ROWS = 2;
const MAX_ROWS = 20;

const text = (body: Record<string, unknown>, name: string): string => {
  const v = body[name];
  return typeof v === "string" ? v.trim() : "";
};
const int = (s: string): number | string => (/^\d+$/.test(s) ? Number(s) : s);
const rowIndexes = (body: Record<string, unknown>, prefix: string, fields: string[]): number[] =>
  Array.from({ length: MAX_ROWS }, (_, i) => i).filter((i) => fields.some((f) => text(body, `${prefix}${i}${f}`) !== ""));

/**
 * The API's field paths (`/bands/1/maxHeadcount`) as the form's field names (`band1maxHeadcount`), so
 * the page marks the right input; `rows` maps the API's row numbers back to the form's.
 */
function withFormPaths(err: unknown, prefix: string, rows: number[], single: string): never {
  if (!(err instanceof AppError) || !err.errors) throw err;
  const errors = err.errors.map((e) => {
    const m = new RegExp(`^/${single}s/(\\d+)/(\\w+)`).exec(e.path);
    return m ? { ...e, path: `/${prefix}${rows[Number(m[1])] ?? m[1]}${m[2]}` } : e;
  });
  throw new AppError(err.code, err.message, { errors });
}

function feeScheduleInput(body: Record<string, unknown>) {
  const rows = rowIndexes(body, "band", ["minHeadcount", "maxHeadcount", "annualFee"]);
  const currency = text(body, "currency");
  const cap = text(body, "revenueCapBps");
  const input = {
    effectiveOn: text(body, "effectiveOn"),
    currency,
    revenueCapBps: cap === "" ? null : int(cap),
    bands: rows.map((i) => {
      const max = text(body, `band${i}maxHeadcount`);
      return {
        minHeadcount: int(text(body, `band${i}minHeadcount`)),
        maxHeadcount: max === "" ? null : int(max),
        annualFee: { amount: text(body, `band${i}annualFee`).replace(/[\s,]/g, ""), currency },
      };
    }),
  };
  return { rows, input };
}

function policyInput(body: Record<string, unknown>) {
  const rows = rowIndexes(body, "bucket", ["key", "shareBps", "payeeOrganizationId"]);
  const currency = text(body, "currency");
  const input = {
    effectiveOn: text(body, "effectiveOn"),
    currency,
    minimumPayout: { amount: text(body, "minimumPayout").replace(/[\s,]/g, ""), currency },
    buckets: rows.map((i) => {
      const payee = text(body, `bucket${i}payeeOrganizationId`);
      return {
        key: text(body, `bucket${i}key`),
        kind: text(body, `bucket${i}kind`),
        shareBps: int(text(body, `bucket${i}shareBps`)),
        payeeOrganizationId: payee === "" ? null : int(payee),
      };
    }),
  };
  return { rows, input };
}

export function registerTreasuryRulePages(app: Router, deps: AppDeps): void {
  registerFeeSchedulePages(app, deps);
  registerPolicyPages(app, deps);
}

/** The form's row numbers: the current version's rows, then spare empty ones. */
const rowsOf = (current: number): number[] => Array.from({ length: Math.min(MAX_ROWS, current + SPARE_ROWS) }, (_, i) => i);

function registerFeeSchedulePages(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.get("/treasury/fee-schedules", async (req, res) => {
    requireTreasurer(req);
    const day = today(clock);
    const current = await feeScheduleOn(db, day);
    const defaults: Record<string, string> = {
      effectiveOn: day,
      currency: current.currency,
      revenueCapBps: current.revenueCapBps === null ? "" : String(current.revenueCapBps),
    };
    current.bands.forEach((b, i) => {
      defaults[`band${i}minHeadcount`] = String(b.minHeadcount);
      defaults[`band${i}maxHeadcount`] = b.maxHeadcount === null ? "" : String(b.maxHeadcount);
      defaults[`band${i}annualFee`] = toDecimalString(b.annualFeeMinor, current.currency);
    });
    const form = formFromNotice(res, "fee-schedule", defaults);
    const bands = rowsOf(current.bands.length).map((i) => ({ i, n: i + 1 }));
    renderPage(
      req,
      res,
      "treasury-fee-schedules",
      {
        form,
        bands,
        versions: (await listFeeSchedules(db))
          .reverse()
          .map((v) => ({ ...v, effectiveText: readableDate(v.effectiveOn), inForce: v.id === current.id })),
      },
      { title: "Fee schedules" },
    );
  });

  app.post("/treasury/fee-schedules", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(req, res, { backTo: "/treasury/fee-schedules", prefix: "No new version was saved", form: "fee-schedule" }, async () => {
      const { rows, input } = feeScheduleInput(formBody(req));
      try {
        const body = parseForm(createFeeScheduleBody, input);
        const saved = await saveFeeSchedule(db, { ...body, actorUserId: user.id }, { clock });
        await redirectWithNotice(res, "/treasury/fee-schedules", `A new fee schedule is in force from ${readableDate(saved.effectiveOn)}.`);
      } catch (err) {
        withFormPaths(err, "band", rows, "band");
      }
    });
  });
}

function registerPolicyPages(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.get("/treasury/distribution-policies", async (req, res) => {
    requireTreasurer(req);
    const day = today(clock);
    const current = await policyOn(db, day);
    const defaults: Record<string, string> = {
      effectiveOn: day,
      currency: current.currency,
      minimumPayout: toDecimalString(current.minimumPayoutMinor, current.currency),
    };
    current.buckets.forEach((b, i) => {
      defaults[`bucket${i}key`] = b.key;
      defaults[`bucket${i}kind`] = b.kind;
      defaults[`bucket${i}shareBps`] = String(b.shareBps);
      defaults[`bucket${i}payeeOrganizationId`] = b.payeeOrganizationId === null ? "" : String(b.payeeOrganizationId);
    });
    const form = formFromNotice(res, "policy", defaults);
    const buckets = rowsOf(current.buckets.length).map((i) => ({
      i,
      n: i + 1,
      kinds: BUCKET_KINDS.map((k) => ({ value: k, selected: String(form.values[`bucket${i}kind`]) === k })),
    }));
    renderPage(
      req,
      res,
      "treasury-policies",
      {
        form,
        buckets,
        versions: (await listPolicies(db))
          .reverse()
          .map((v) => ({ ...v, effectiveText: readableDate(v.effectiveOn), inForce: v.id === current.id })),
      },
      { title: "Distribution policies" },
    );
  });

  app.post("/treasury/distribution-policies", async (req: Request, res) => {
    const user = requireTreasurer(req);
    await attempt(req, res, { backTo: "/treasury/distribution-policies", prefix: "No new version was saved", form: "policy" }, async () => {
      const { rows, input } = policyInput(formBody(req));
      try {
        const body = parseForm(createPolicyBody, input);
        const saved = await createPolicy(db, user, body, { clock });
        await redirectWithNotice(
          res,
          "/treasury/distribution-policies",
          `A new distribution policy is in force from ${readableDate(saved.effectiveOn)}.`,
        );
      } catch (err) {
        withFormPaths(err, "bucket", rows, "bucket");
      }
    });
  });
}
