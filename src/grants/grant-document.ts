// A grant's signed text read back into its fields: what a verifier (or a test) trusts after checking the
// signature. The header is one field a line, its value from column 15 to the end of the line; names
// cannot break a line (no control characters reach a signed document: shared/schemas.ts `plainText`),
// so every field is exactly one line and a value cannot forge another field.
export interface GrantFields {
  id: string;
  licenseeName: string;
  licenseeId: number;
  workTitle: string;
  workSlug: string;
  repositoryUrl: string;
  packages: string[];
  licensorName: string;
  periodStart: string;
  periodEnd: string;
  invoiceNumber: string;
  issuedAt: string;
}

const LABELS = ["Grant", "Licensee", "Work", "Repository", "Packages", "Licensor", "Period", "Invoice", "Issued"] as const;
const VALUE_COLUMN = 14;

/** The grant's fields, or null when the text is not a grant document as rendered by templates/grant. */
export function parseGrantDocument(document: string): GrantFields | null {
  const lines = document.split("\n");
  if (lines[0] !== "COMMERCIAL RECIPROCITY LICENSE GRANT" || lines[1] !== "") return null;
  const values = new Map<string, string>();
  for (const [i, label] of LABELS.entries()) {
    const line = lines[2 + i];
    if (line === undefined || !line.startsWith(`${label}:`) || line.slice(label.length + 1, VALUE_COLUMN).trim() !== "") return null;
    values.set(label, line.slice(VALUE_COLUMN));
  }
  if (lines[2 + LABELS.length] !== "") return null;
  // The variable part comes first and the fixed suffix last: a name containing the suffix's words is still read whole.
  const licensee = /^(.*) \(organization (\d+)\)$/s.exec(values.get("Licensee")!);
  const work = /^(.*) \(([a-z0-9-]+)\)$/s.exec(values.get("Work")!);
  const period = /^(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2}) \(inclusive, UTC\)$/.exec(values.get("Period")!);
  if (!licensee || !work || !period) return null;
  const packages = values.get("Packages")!;
  return {
    id: values.get("Grant")!,
    licenseeName: licensee[1]!,
    licenseeId: Number(licensee[2]),
    workTitle: work[1]!,
    workSlug: work[2]!,
    repositoryUrl: values.get("Repository")!,
    packages: packages === "" ? [] : packages.split(", "),
    licensorName: values.get("Licensor")!,
    periodStart: period[1]!,
    periodEnd: period[2]!,
    invoiceNumber: values.get("Invoice")!,
    issuedAt: values.get("Issued")!,
  };
}
