// A cell of the transparency report: how many organizations a figure describes and the figure, or
// "<3" and no figure when it would describe 1 or 2 of them.
import { moneyJson } from "../shared/money.js";

/** Fewer organizations than this in a cell and the cell is merged into "<3". */
export const DISCLOSURE_MINIMUM = 3;

export interface Cell {
  organizations: number | "<3";
  amount: { amountMinor: number; currency: string; formatted: string } | null;
}

export function cell(organizations: number, amountMinor: number, currency: string): Cell {
  if (organizations > 0 && organizations < DISCLOSURE_MINIMUM) return { organizations: "<3", amount: null };
  return { organizations, amount: moneyJson(amountMinor, currency) };
}
