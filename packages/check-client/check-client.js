// The check client: submit a lockfile or SBOM to a reciprocity server, print the report, and exit 0 (nothing
// owed or unlicensed), 1 (commercial obligations unmet) or 2 (error), a CI gate.
//
// The gate's rule (README, decisions log): exit 1 for commercial use of a verified work that no usage
// declares (anonymously: any verified work that would be priced), and for an overdue unpaid invoice
// that bills a work the file uses; with --strict, also for a work owed for that holds no grant for the
// current month. Unverified works never fail the gate: nothing is owed for them. Plain JavaScript on Node's
// own modules only, so it installs without the server's dependencies and starts at once. The API token comes
// from --token or RECIPROCITY_TOKEN and is never printed: not in --help, not in errors.
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { parseArgs } from "node:util";

export const DEFAULT_SERVER = "http://127.0.0.1:3000";
const PROGRESS_FROM_BYTES = 1024 * 1024;
const TIMEOUT_MS = 300_000;

export const CHECK_HELP = `Usage: reciprocity check [options] <file>

Check a lockfile or SBOM against a server; exit 0 when nothing is owed or unlicensed, 1 when commercial
obligations are unmet, 2 on error.

Options:
  --server <url>         the reciprocity server (default: $RECIPROCITY_SERVER or ${DEFAULT_SERVER})
  --token <token>        API token (default: $RECIPROCITY_TOKEN; never printed)
  --organization <id>    price the check for this organization
  --strict               also fail when a work owed for holds no grant for the current month
  --json                 print the report as JSON
  -V, --version          print the check client's version
  -h, --help             display help for command
`;

/** @param {import("./check-client.js").Report} report */
export function unmet(report) {
  return report.matches.filter((m) => (report.organizationId === null ? m.obligation === "unpriced" : owed(m) && !m.declaredUsage));
}

/** @param {import("./check-client.js").ReportMatch} m */
const owed = (m) => m.obligation === "fee" || m.obligation === "held";

/**
 * Why the gate fails (the rule is written at the top of this file); empty when it passes.
 * @param {import("./check-client.js").Report} report
 * @param {boolean} strict
 */
export function gateFailures(report, strict) {
  const failures = [];
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

/**
 * @param {string[]} argv `check <file> [options]`
 * @param {Record<string, string | undefined>} env
 * @param {import("./check-client.js").Output} out
 */
export async function runCli(argv, env, out) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv[0] === "check" ? argv.slice(1) : argv,
      allowPositionals: true,
      options: {
        server: { type: "string" },
        token: { type: "string" },
        organization: { type: "string" },
        json: { type: "boolean" },
        strict: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (err) {
    out.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n\n${CHECK_HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    out.stdout.write(CHECK_HELP);
    return 0;
  }
  if (parsed.values.version) {
    out.stdout.write(`${checkClientVersion()}\n`);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) {
    out.stderr.write(`error: name one lockfile or SBOM\n\n${CHECK_HELP}`);
    return 2;
  }
  const options = {
    server: parsed.values.server ?? env.RECIPROCITY_SERVER ?? DEFAULT_SERVER,
    token: parsed.values.token ?? (env.RECIPROCITY_TOKEN || undefined),
    organization: parsed.values.organization,
    json: parsed.values.json,
    strict: parsed.values.strict,
  };
  return checkCommand(file, options, out);
}

/** The version of this package, from its package.json (read only when asked for). */
export function checkClientVersion() {
  return JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).version;
}

/** A few stage lines on stderr for big files (no progress-bar dependency). */
function progress(out, enabled) {
  return (stage) => {
    if (enabled) out.stderr.write(`${stage}\n`);
  };
}

/**
 * @param {string} file
 * @param {import("./check-client.js").CheckCommandOptions} options
 * @param {import("./check-client.js").Output} out
 */
export async function checkCommand(file, options, out) {
  let size;
  try {
    size = statSync(file).size;
  } catch {
    out.stderr.write(`error: cannot read ${file}\n`);
    return 2;
  }
  const stage = progress(out, size >= PROGRESS_FROM_BYTES && !options.json);
  let url;
  try {
    url = new URL("/api/v1/checks", options.server);
  } catch {
    out.stderr.write(`error: --server is not a URL\n`);
    return 2;
  }
  if (options.organization) url.searchParams.set("organizationId", options.organization);
  stage("reading and compressing");
  const body = gzipSync(readFileSync(file));
  stage("checking");
  let response;
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
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    out.stderr.write(`error: cannot reach ${url.origin}: ${redact(err instanceof Error ? err.message : String(err), options.token)}\n`);
    return 2;
  }
  const text = await response.text();
  if (!response.ok) {
    out.stderr.write(
      `error: the server refused the check: HTTP ${response.status}: ${redact(problemDetail(text, response.status), options.token)}\n`,
    );
    return 2;
  }
  const report = JSON.parse(text);
  const failures = gateFailures(report, options.strict === true);
  if (options.json) out.stdout.write(JSON.stringify(report, null, 2) + "\n");
  else out.stdout.write(formatReport(report, failures));
  return failures.length > 0 ? 1 : 0;
}

function problemDetail(text, status) {
  try {
    const problem = JSON.parse(text);
    return `${problem.detail ?? text} (${problem.code ?? status})`;
  } catch {
    return text.slice(0, 500);
  }
}

/** Whatever a server or the network says, the token is not repeated. */
function redact(text, token) {
  return token ? text.split(token).join("***") : text;
}

/**
 * @param {import("./check-client.js").Report} report
 * @param {string[]} failures what fails the gate (gateFailures)
 */
export function formatReport(report, failures) {
  const lines = [
    `${report.format}: ${report.componentCount} components, ${report.matches.length} registered under the PPL (${report.totals.works} works)`,
  ];
  if (report.matches.length > 0) {
    lines.push("", ...workTable(report.works ?? []));
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

/** One row per work: the per-work fee once, whatever number of its versions the file holds. */
function workTable(works) {
  const rows = works.map((w) => [
    w.slug,
    String(w.versions),
    w.obligation,
    w.annualFee?.formatted ?? "",
    w.declaredUsage === undefined ? "" : w.declaredUsage ? "declared" : "not declared",
  ]);
  const header = ["work", "versions", "obligation", "annual fee", "usage"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)];
}
