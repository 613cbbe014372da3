import { render } from "../templates.js";
import { canonicalLicenseText } from "./recognise-license.js";

export const LICENSE_FORMATS = ["text", "markdown", "html"] as const;
export type LicenseFormat = (typeof LICENSE_FORMATS)[number];

export const LICENSE_MEDIA_TYPES: Record<LicenseFormat, string> = {
  text: "text/plain; charset=utf-8",
  markdown: "text/markdown; charset=utf-8",
  html: "text/html; charset=utf-8",
};

export interface LicenseView {
  title: string;
  licensorName: string;
  /** The year the work was registered under the PPL. */
  year: number;
  versionRange: string | null;
  workUrl: string;
}

/** The LICENSE of a work: a header naming work, licensor and year, then the canonical PPL text. */
export function renderLicense(view: LicenseView, format: LicenseFormat): string {
  const template =
    format === "text" ? "license/license.txt.hbs" : format === "markdown" ? "license/license.md.hbs" : "license/license.html.hbs";
  return render(template, { ...view, canonicalText: canonicalLicenseText("PPL").trimEnd() });
}
