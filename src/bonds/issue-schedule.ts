// The repayment schedule of a bond issue: before clearing a preview at the target and the maximum rate,
// after it the rows stored at clearing — both from `repaymentSchedule`.
import type { Db } from "../db/client.js";
import type { Actor } from "../shared/actor.js";
import { AppError } from "../shared/errors.js";
import { assetById, requireAssetReader } from "../assets/assets.queries.js";
import { issueById, storedSchedule, type BondIssue } from "./bonds.queries.js";
import { scheduleFor } from "./clear-bond-issue.js";
import type { ScheduleRow } from "./schedule.js";

export interface IssueSchedule {
  issue: BondIssue;
  /** `preview`: not cleared yet (or cancelled); `cleared`: the rows stored at clearing. */
  basis: "preview" | "cleared";
  principalMinor: number;
  rateBps: number;
  rows: ScheduleRow[];
}

export async function issueSchedule(db: Db, actor: Actor, issueId: number): Promise<IssueSchedule> {
  await requireAssetReader(db, actor);
  const issue = await issueById(db, issueId);
  if (!issue) throw new AppError("not_found", "Bond issue was not found.");
  if ((issue.status === "cleared" || issue.status === "redeemed") && issue.soldMinor !== null && issue.rateBps !== null) {
    return { issue, basis: "cleared", principalMinor: issue.soldMinor, rateBps: issue.rateBps, rows: await storedSchedule(db, issue.id) };
  }
  const asset = await assetById(db, issue.assetId);
  if (!asset) throw new Error(`invariant violated: bond issue ${issue.id} has no asset`);
  const rows = scheduleFor(issue, asset.monthlyRentMinor, issue.targetMinor, issue.maxRateBps);
  return { issue, basis: "preview", principalMinor: issue.targetMinor, rateBps: issue.maxRateBps, rows };
}
