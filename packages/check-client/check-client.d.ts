export interface CheckCommandOptions {
  server: string;
  token?: string | undefined;
  organization?: string | undefined;
  json?: boolean | undefined;
  strict?: boolean | undefined;
}

export interface ReportMatch {
  purl: string;
  work: { slug: string; title: string };
  obligation: string;
  licenseChoice: string;
  annualFee?: { formatted: string };
  declaredUsage?: boolean;
  grantForCurrentMonth?: boolean;
}

export interface ReportWork {
  slug: string;
  obligation: string;
  versions: number;
  annualFee?: { formatted: string };
  declaredUsage?: boolean;
}

export interface OverdueInvoice {
  number: string;
  dueOn: string;
  outstanding: { formatted: string };
  workSlugs: string[];
}

export interface Report {
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

export interface Output {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const DEFAULT_SERVER: string;
export const CHECK_HELP: string;
export function checkClientVersion(): string;
export function unmet(report: Report): ReportMatch[];
export function gateFailures(report: Report, strict: boolean): string[];
export function formatReport(report: Report, failures: string[]): string;
export function checkCommand(file: string, options: CheckCommandOptions, out: Output): Promise<number>;
/** `check <file> [options]`: exit 0 nothing owed, 1 obligations unmet, 2 error. */
export function runCli(argv: string[], env: Record<string, string | undefined>, out: Output): Promise<number>;
