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

const TEMPLATES: Record<LicenseFormat, string> = {
  text: "license/license.txt.hbs",
  markdown: "license/license.md.hbs",
  html: "license/license.html.hbs",
};

/**
 * Rendered texts by format and header: a LICENSE is a pure function of both, and rendering (escaping the whole
 * canonical text for HTML) cost more than the read that asks for it. Bounded; the oldest entry goes first.
 */
const rendered = new Map<string, string>();
const RENDERED_MAX = 1_000;
let canonicalPpl: string | undefined;

/** The LICENSE of a work: a header naming work, licensor and year, then the canonical PPL text. */
export function renderLicense(view: LicenseView, format: LicenseFormat): string {
  const key = JSON.stringify([format, view.title, view.licensorName, view.year, view.versionRange, view.workUrl]);
  let text = rendered.get(key);
  if (text === undefined) {
    canonicalPpl ??= canonicalLicenseText("PPL").trimEnd();
    text = render(TEMPLATES[format], { ...(format === "markdown" ? markdownView(view) : view), canonicalText: canonicalPpl });
    if (rendered.size >= RENDERED_MAX) rendered.delete(rendered.keys().next().value!);
    rendered.set(key, text);
  }
  return text;
}

/**
 * Names are text, not markdown: an organization called `[Pay here](https://evil.example)` or `<img src=x>`
 * must read as itself. Line breaks become spaces (no new block can start), and every character that can
 * open a markdown construct mid-line is backslash-escaped (CommonMark escapes any ASCII punctuation).
 */
export function markdownText(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/[\\`*_[\]<>&~|#!()]/g, "\\$&");
}

function markdownView(view: LicenseView): LicenseView {
  return {
    ...view,
    title: markdownText(view.title),
    licensorName: markdownText(view.licensorName),
    // Inside a code span: a backtick would end it early.
    versionRange: view.versionRange === null ? null : view.versionRange.replace(/[`\r\n]/g, " "),
    workUrl: view.workUrl.replace(/[<>\s]/g, encodeURIComponent),
  };
}
