// The maintainers' page of a work: what they say of it (description, versions under the PPL), who uses
// it (licensees), where its income is, and its claim history with disputes.
import type { Router } from "express";
import type { AppDeps } from "../deps.js";
import { today } from "../shared/clock.js";
import { registerWorkBody } from "../works/works.schemas.js";
import { updateWorkDetails } from "../works/update-work.js";
import { licenseesOf } from "../works/licensees.queries.js";
import { claimHistory } from "../works/work-claims.js";
import { formBody, formFromNotice, optionalText, parseForm } from "./forms.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { requireSignedIn, requireWorkMaintainer } from "./guards.js";
import { worksMaintainedBy } from "../works/works.queries.js";
import { readableDate, readableInstant } from "./format.js";

const detailsForm = registerWorkBody.pick({ description: true, versionRange: true });

export function registerWorkMaintainPages(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.get("/works/mine", async (req, res) => {
    const user = requireSignedIn(req);
    const slugs = await worksMaintainedBy(db, user.id);
    renderPage(req, res, "works-mine", { works: slugs.map((slug) => ({ slug })) }, { title: "Your works" });
  });

  app.get("/works/:slug/maintain", async (req, res) => {
    const { user, work } = await requireWorkMaintainer(db, req);
    const day = today(clock);
    const { total, licensees } = await licenseesOf(db, work.id, day);
    const { events, disputes } = await claimHistory(db, user, work.slug);
    renderPage(
      req,
      res,
      "work-maintain",
      {
        work,
        form: formFromNotice(res, "details", { description: work.description ?? "", versionRange: work.versionRange ?? "" }),
        licensees: licensees.map((l) => ({ ...l, sinceText: readableDate(l.since) })),
        total,
        more: total > licensees.length ? total - licensees.length : 0,
        history: events.map((e) => ({ ...e, atText: readableInstant(e.createdAt) })),
        disputes: disputes.map((d) => ({ ...d, openedText: readableInstant(d.createdAt) })),
      },
      { title: `Maintain ${work.title}` },
    );
  });

  app.post("/works/:slug/details", async (req, res) => {
    const { user, work } = await requireWorkMaintainer(db, req);
    const page = `/works/${work.slug}/maintain`;
    await attempt(req, res, { backTo: page, prefix: "The work was not changed", form: "details" }, async () => {
      const body = formBody(req);
      const f = parseForm(detailsForm, {
        description: optionalText.parse(body.description),
        versionRange: optionalText.parse(body.versionRange),
      });
      await updateWorkDetails(db, user, work, { description: f.description ?? null, versionRange: f.versionRange ?? null }, { clock });
      await redirectWithNotice(res, page, "The work's description and versions were saved.");
    });
  });
}
