// Invitations on the web: owners invite by email from the organization's page; the invitee opens the
// link from the mail and accepts, signed in or with a new password for the invited address.
import type { Request, Response, Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { MEMBER_ROLES } from "../organizations/vocabulary.js";
import { AppError } from "../shared/errors.js";
import { isoNow } from "../shared/clock.js";
import {
  acceptInvitation,
  createInvitation,
  invitationBySecret,
  invitationClosed,
  withdrawInvitation,
} from "../organizations/invitations.js";
import { createUser } from "../accounts/create-user.js";
import { hashPassword } from "../accounts/passwords.js";
import { notifyInvitation } from "../mail/notifications.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { emptyForm, formBody, formFromError, parseForm, type FormState } from "./forms.js";
import { idParam, requireOrganizationMember, requireSignedIn } from "./guards.js";
import { notifyDeps } from "./notify.js";
import { createWebSession, SESSION_COOKIE, SESSION_DAYS } from "./sessions.js";
import { readableDate } from "./format.js";

const inviteForm = z.object({
  email: z.email({ error: "must be an email address" }).max(254),
  role: z.enum(MEMBER_ROLES, { error: "choose a role" }),
});

const accountForm = z.object({
  name: z.string().trim().min(1, "is required").max(200),
  password: z.string().min(8, "must have at least 8 characters").max(200),
});

export function registerInvitationPages(app: Router, deps: AppDeps): void {
  registerInviting(app, deps);
  registerAccepting(app, deps);
}

function registerInviting(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.post("/organizations/:id/invitations", async (req, res) => {
    const { user, org } = await requireOrganizationMember(db, req, "owner");
    const back = `/organizations/${org.id}#members`;
    await attempt(req, res, { backTo: back, prefix: "No invitation was sent", form: "invite" }, async () => {
      const f = parseForm(inviteForm, formBody(req));
      const { invitation, secret } = await createInvitation(
        db,
        { organizationId: org.id, email: f.email, role: f.role, actorUserId: user.id },
        { clock },
      );
      await notifyInvitation(notifyDeps(deps, req), {
        email: invitation.email,
        secret,
        role: invitation.role,
        organizationName: org.name,
        inviterName: user.name,
        expiresAt: invitation.expiresAt,
      });
      await redirectWithNotice(res, back, `An invitation to join as ${f.role} was sent to ${invitation.email}.`);
    });
  });

  app.post("/organizations/:id/invitations/:invitationId/withdraw", async (req, res) => {
    const { user, org } = await requireOrganizationMember(db, req, "owner");
    const invitationId = idParam(req.params.invitationId, "No open invitation was found.");
    await withdrawInvitation(db, { organizationId: org.id, invitationId, actorUserId: user.id }, { clock });
    await redirectWithNotice(res, `/organizations/${org.id}#members`, "The invitation was withdrawn.");
  });
}

function registerAccepting(app: Router, deps: AppDeps): void {
  const { db, clock, config } = deps;
  const secure = (config.PUBLIC_URL ?? "").startsWith("https:");

  const page = async (req: Request, res: Response, form: FormState, status = 200) => {
    const secret = String(req.params.secret);
    const { invitation, organizationName } = await invitationBySecret(db, secret);
    renderPage(
      req,
      res,
      "invitation",
      {
        secret,
        organizationName,
        role: invitation.role,
        email: invitation.email,
        expiresOn: readableDate(invitation.expiresAt),
        closed: invitationClosed(invitation, isoNow(clock)),
        form,
        next: encodeURIComponent(`/invitations/${secret}`),
      },
      { title: `Join ${organizationName}`, status },
    );
  };

  app.get("/invitations/:secret", (req, res) => page(req, res, emptyForm()));

  app.post("/invitations/:secret/accept", async (req, res) => {
    const user = requireSignedIn(req);
    const accepted = await acceptInvitation(db, { secret: String(req.params.secret), userId: user.id }, { clock });
    await redirectWithNotice(
      res,
      `/organizations/${accepted.organizationId}`,
      accepted.added ? `Welcome: you are now a ${accepted.role} here.` : "You were already a member here.",
    );
  });

  // A new user for the invited address: the link in the mail proves the address.
  app.post("/invitations/:secret/account", async (req, res) => {
    const secret = String(req.params.secret);
    const values = formBody(req);
    try {
      const { invitation } = await invitationBySecret(db, secret);
      const closed = invitationClosed(invitation, isoNow(clock));
      if (closed) throw new AppError("invalid_state", closed);
      const f = parseForm(accountForm, values);
      const created = await createUser(
        db,
        { email: invitation.email, name: f.name, passwordHash: await hashPassword(f.password), actorUserId: null },
        { clock },
      );
      const accepted = await acceptInvitation(db, { secret, userId: created.id }, { clock });
      const session = await createWebSession(db, created.id, clock);
      res.cookie(SESSION_COOKIE, session, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: SESSION_DAYS * 86_400_000 });
      await redirectWithNotice(res, `/organizations/${accepted.organizationId}`, `Welcome: you are now a ${accepted.role} here.`);
    } catch (err) {
      if (err instanceof AppError && err.code === "email_taken") {
        const form = { ...emptyForm({ name: values.name }), summary: "This address already signs in here: sign in to accept." };
        await page(req, res, form, 409);
        return;
      }
      await page(req, res, formFromError({ name: values.name }, err), err instanceof AppError ? err.status : 500);
    }
  });
}
