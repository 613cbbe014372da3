// The badge: "PPL | <state>" as a flat SVG. Widths come from a per-character estimate of
// Verdana 11px, as shields.io does, so the text fits without measuring fonts at run time.
import { render } from "../templates.js";
import type { Work } from "./works.queries.js";

const NARROW = new Set([..."iljtf.,:;'|!I ()[]"]);
const WIDE = new Set([..."mwMW@%"]);
const textWidth = (s: string) => [...s].reduce((w, c) => w + (NARROW.has(c) ? 4 : WIDE.has(c) ? 10 : 7), 0);

export function badgeState(work: Pick<Work, "licenseState" | "verification">): { message: string; color: string } {
  if (work.licenseState === "other") return { message: "license changed", color: "#e05d44" };
  if (work.licenseState === "missing") return { message: "no license file", color: "#e05d44" };
  if (work.verification === "unverified") return { message: "unverified", color: "#9f9f9f" };
  if (work.licenseState === "ppl") return { message: "verified", color: "#4c1" };
  return { message: "registered", color: "#007ec6" };
}

export function renderBadge(work: Pick<Work, "licenseState" | "verification">): string {
  const { message, color } = badgeState(work);
  const label = "PPL";
  const labelWidth = textWidth(label) + 12;
  const messageWidth = textWidth(message) + 12;
  return render("badge.svg.hbs", {
    label,
    message,
    color,
    labelWidth,
    messageWidth,
    width: labelWidth + messageWidth,
    labelX: labelWidth / 2,
    messageX: labelWidth + messageWidth / 2,
  });
}
