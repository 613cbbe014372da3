// The public transparency report as pages: /transparency (the months) and /transparency/{YYYY-MM}.
import type { Router } from "express";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { isoNow, today } from "../shared/clock.js";
import { reportMonths, transparencyReport, type Cell, type TransparencyReport } from "../books/transparency-report.js";
import { barChart } from "../books/report-charts.js";
import { renderPage } from "./render.js";

const INK = "#8a1c1c";
const LIGHT = "#e0a0a0";
const GREY = "#6b6b6b";

const minorOf = (c: Cell): number | null => (c.amount === null ? null : c.amount.amountMinor);
const shown = (c: Cell): string => (c.amount === null ? "<3 organizations" : `${c.amount.formatted} (${c.organizations} organizations)`);

function reportView(r: TransparencyReport) {
  return {
    report: r,
    flows: [
      { label: "Invoiced", text: shown(r.invoiced) },
      { label: "Credited (credit notes)", text: shown(r.credited) },
      { label: "Collected", text: shown(r.collected) },
      { label: "Revenue-cap relief", text: shown(r.revenueCapRelief) },
      { label: "Productive assets leased / owned", text: `${r.assets.leased} / ${r.assets.owned}` },
      { label: "Bonds outstanding", text: r.assets.bondsOutstanding.formatted },
      { label: "Rent collected", text: r.assets.rentCollected.formatted },
      { label: "Interest paid to bond holders", text: r.assets.interestPaid.formatted },
    ],
    receivables: r.receivablesByAge.map((b) => ({ label: b.bucket, text: shown(b) })),
    distribution: r.distribution && {
      runStatus: r.distribution.runStatus,
      pool: r.distribution.pool?.formatted ?? "<3 organizations",
      rows: [
        ...r.distribution.buckets.map((b) => ({ label: `bucket ${b.bucket}`, text: shown(b) })),
        ...r.distribution.works.map((w) => ({ label: `work ${w.work}`, text: shown(w) })),
      ],
    },
    payers: r.payersByHeadcount.map((b) => ({
      label: b.band,
      text: b.organizations === "<3" ? "<3" : String(b.organizations),
      amount: b.amount?.formatted ?? "<3",
    })),
    charts: reportCharts(r),
  };
}

/** The report's charts, each with axes, values and a legend. */
function reportCharts(r: TransparencyReport) {
  return [
    barChart(
      "Fund balance: opening and closing",
      r.currency,
      [{ name: "balance", color: INK }],
      [
        { label: "opening", values: [r.fund.opening.amountMinor] },
        { label: "closing", values: [r.fund.closing.amountMinor] },
      ],
    ),
    barChart(
      "Invoiced versus collected",
      r.currency,
      [
        { name: "invoiced", color: INK },
        { name: "collected", color: LIGHT },
        { name: "credited", color: GREY },
      ],
      [{ label: r.month, values: [minorOf(r.invoiced), minorOf(r.collected), minorOf(r.credited)] }],
    ),
    barChart(
      "Receivables by age at the month's end",
      r.currency,
      [{ name: "outstanding", color: INK }],
      r.receivablesByAge.map((b) => ({ label: b.bucket, values: [minorOf(b)] })),
    ),
    barChart(
      "Collected from payers by headcount band",
      r.currency,
      [{ name: "collected", color: LIGHT }],
      r.payersByHeadcount.map((b) => ({ label: b.band, values: [minorOf(b)] })),
    ),
    ...(r.distribution
      ? [
          barChart(
            "Distributed per bucket",
            r.currency,
            [{ name: "allocated", color: INK }],
            r.distribution.buckets.map((b) => ({ label: b.bucket, values: [minorOf(b)] })),
          ),
        ]
      : []),
  ].map((chart, i) => ({ ...chart, id: `chart-${i}` }));
}

export function registerTransparencyPages(app: Router, deps: AppDeps): void {
  app.get("/transparency", async (req, res) => {
    const months = await reportMonths(deps.db, today(deps.clock).slice(0, 7));
    renderPage(req, res, "transparency", { months }, { title: "Transparency reports" });
  });
  app.get("/transparency/:month", async (req, res) => {
    const month = String(req.params.month);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month) || month > today(deps.clock).slice(0, 7))
      throw new AppError("not_found", "There is no report for that month.");
    const report = await transparencyReport(deps.db, month, { origin: deps.books.origin, now: isoNow(deps.clock) });
    renderPage(req, res, "transparency-month", reportView(report), { title: `Transparency report ${month}` });
  });
}
