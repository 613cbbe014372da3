// `reciprocity check <file>`: submit a lockfile or SBOM to a server, print the report, and exit
// 0 (nothing owed or unlicensed), 1 (commercial obligations unmet) or 2 (error): a CI gate.
//
// The gate's rule (README, decisions log): exit 1 for commercial use of a verified work that no usage
// declares (anonymously: any verified work that would be priced), and for an overdue unpaid invoice
// that bills a work the file uses; with --strict, also for a work owed for that holds no grant for the
// current month. Unverified works never fail the gate: nothing is owed for them.
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { SingleBar, Presets } from "cli-progress";

export interface CheckCommandOptions {
  server: string;
  token?: string | undefined;
  organization?: string | undefined;
  json?: boolean | undefined;
  strict?: boolean | undefined;
}

interface ReportMatch {
  purl: string;
  work: { slug: string; title: string };
  obligation: string;
  licenseChoice: string;
  annualFee?: { formatted: string };
  declaredUsage?: boolean;
  grantForCurrentMonth?: boolean;
}

interface ReportWork {
  slug: string;
  obligation: string;
  versions: number;
  annualFee?: { formatted: string };
  declaredUsage?: boolean;
}

interface OverdueInvoice {
  number: string;
  dueOn: string;
  outstanding: { formatted: string };
  workSlugs: string[];
}

interface Report {
  format: string;
  componentCount: number;
  organizationId: number | null;
  matches: ReportMatch[];
  works?: ReportWork[];
  overdueInvoices?: OverdueInvoice[];
  totals: {
    works: number;
    worksWithObligation: number;
    worksWithoutDeclaredUsage: number;
    annualFee?: { formatted: string };
    annualFeeByBand?: { minHeadcount: number; maxHeadcount: number | null; annualFee: { formatted: string } }[];
  };
}

const PROGRESS_FROM_BYTES = 1024 * 1024;

const owed = (m: ReportMatch) => m.obligation === "fee" || m.obligation === "held";

export function unmet(report: Report): ReportMatch[] {
  return report.matches.filter((m) => (report.organizationId === null ? m.obligation === "unpriced" : owed(m) && !m.declaredUsage));
}

/** Why the gate fails (the rule is written at the top of this file); empty when it passes. */
export function gateFailures(report: Report, strict: boolean): string[] {
  const failures: string[] = [];
  const open = unmet(report);
  if (open.length > 0)
    failures.push(
      report.organizationId === null
        ? `${open.length} package(s) need a commercial reciprocity license unless your organization is a verified worker cooperative or uses them non-commercially; check with --organization to price them`
        : `${open.length} package(s) carry a commercial obligation with no usage declared: declare the usage to be invoiced and licensed`,
    );
  for (const i of report.overdueInvoices ?? [])
    failures.push(`invoice ${i.number} (${i.workSlugs.join(", ")}) was due on ${i.dueOn} and ${i.outstanding.formatted} is unpaid`);
  if (strict && report.organizationId !== null) {
    const ungranted = [...new Set(report.matches.filter((m) => owed(m) && !m.grantForCurrentMonth).map((m) => m.work.slug))];
    if (ungranted.length > 0) failures.push(`--strict: no grant for the current month for ${ungranted.join(", ")}`);
  }
  return failures;
}

export async function checkCommand(
  file: string,
  options: CheckCommandOptions,
  out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    out.stderr.write(`error: cannot read ${file}\n`);
    return 2;
  }
  const showProgress = size >= PROGRESS_FROM_BYTES && !options.json;
  const bar = showProgress
    ? new SingleBar(
        { format: "{stage} {bar} {percentage}%", stream: out.stderr, noTTYOutput: true, notTTYSchedule: 500 },
        Presets.shades_classic,
      )
    : null;
  bar?.start(3, 0, { stage: "reading   " });
  const raw = readFileSync(file);
  bar?.update(1, { stage: "compressing" });
  const body = gzipSync(raw);
  bar?.update(2, { stage: "checking  " });
  const url = new URL("/api/v1/checks", options.server);
  if (options.organization) url.searchParams.set("organizationId", options.organization);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        "content-encoding": "gzip",
        accept: "application/json",
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body,
      signal: AbortSignal.timeout(300_000),
    });
  } catch (err) {
    bar?.stop();
    out.stderr.write(`error: cannot reach ${options.server}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  bar?.update(3, { stage: "done      " });
  bar?.stop();
  const text = await response.text();
  if (!response.ok) {
    let detail = text;
    try {
      const problem = JSON.parse(text) as { detail?: string; code?: string };
      detail = `${problem.detail ?? text} (${problem.code ?? response.status})`;
    } catch {
      /* not JSON: print as is */
    }
    out.stderr.write(`error: the server refused the check: HTTP ${response.status}: ${detail}\n`);
    return 2;
  }
  const report = JSON.parse(text) as Report;
  const failures = gateFailures(report, options.strict === true);
  if (options.json) out.stdout.write(JSON.stringify(report, null, 2) + "\n");
  else out.stdout.write(formatReport(report, failures));
  return failures.length > 0 ? 1 : 0;
}

export function formatReport(report: Report, failures: string[]): string {
  const lines: string[] = [];
  lines.push(
    `${report.format}: ${report.componentCount} components, ${report.matches.length} registered under the PPL (${report.totals.works} works)`,
  );
  if (report.matches.length > 0) {
    // One row per work: the per-work fee once, whatever number of its versions the file holds.
    const works = report.works ?? [];
    const rows = works.map((w) => [
      w.slug,
      String(w.versions),
      w.obligation,
      w.annualFee?.formatted ?? "",
      w.declaredUsage === undefined ? "" : w.declaredUsage ? "declared" : "not declared",
    ]);
    const header = ["work", "versions", "obligation", "annual fee", "usage"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd();
    lines.push("", fmt(header), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt));
    lines.push("", "packages:", ...report.matches.map((m) => `  ${m.purl}  ${m.work.slug}  ${m.obligation}`));
  }
  lines.push("");
  if (report.totals.annualFee) lines.push(`estimated annual fee: ${report.totals.annualFee.formatted}`);
  if (report.totals.annualFeeByBand && report.totals.worksWithObligation > 0) {
    lines.push("estimated annual fee by headcount:");
    for (const b of report.totals.annualFeeByBand)
      lines.push(`  ${b.minHeadcount}${b.maxHeadcount === null ? "+" : `–${b.maxHeadcount}`}: ${b.annualFee.formatted}`);
  }
  lines.push(...(failures.length === 0 ? ["ok: no unmet commercial obligations"] : failures));
  return lines.join("\n") + "\n";
}
