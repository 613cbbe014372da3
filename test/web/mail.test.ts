// Mail through a real SMTP server in the test process: an invitation that a new member accepts from
// the link in the mail, invoices issued by a billing run, a payment received, a cooperative decision.
import type { Server } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { FakeSmtp } from "../support/smtp.js";
import { membershipOf } from "../../src/organizations/organizations.queries.js";
import { findUserByEmail } from "../../src/accounts/create-user.js";
import { renderMail } from "../../src/mail/mailer.js";
import { chromiumPresent, launch, openTab, serve, signIn, type Tab } from "./browser.js";

const PASSWORD = "correct horse battery";
let browser: Browser;
let smtp: FakeSmtp;
let h: Harness;
let c: Commune;
let server: Server;
let base: string;
let tab: Tab;
let treasurer: TestUser;
let company: TestUser;

beforeAll(async () => {
  smtp = await new FakeSmtp().start();
  if (chromiumPresent) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await smtp.stop();
});

beforeEach(async () => {
  smtp.mails.length = 0;
  h = await makeHarness({ SMTP_URL: smtp.url, MAIL_FROM: "Commune Fund <fund@commune.test>", SELLER_IBAN: "DE89 3704 0044 0532 0130 00" });
  h.clock.set("2026-04-02T09:00:00Z");
  const hash = await passwordHashFor(PASSWORD);
  treasurer = await makeUser(h, { treasurer: true, name: "Tess Treasurer", passwordHash: hash });
  company = await makeUser(h, { name: "Cora Company", passwordHash: hash });
  c = await Commune.create(h, treasurer);
  ({ server, url: base } = await serve(h));
  if (chromiumPresent) tab = await openTab(browser);
});

afterEach(async (ctx) => {
  if (chromiumPresent) {
    await tab.shot(ctx.task.name.replace(/\W+/g, "-").toLowerCase());
    await tab.context.close();
  }
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await h.close();
});

describe("mail templates", () => {
  it("render a subject, plain text and HTML, escaping HTML only in the HTML part", () => {
    const mail = renderMail("invitation", {
      organizationName: "Acme <GmbH>",
      inviterName: "Cora",
      role: "member",
      expiresOn: "2026-04-16",
      link: "https://x/invitations/s",
    });
    expect(mail.subject).toBe("You are invited to Acme <GmbH> on reciprocity");
    expect(mail.text).toContain("https://x/invitations/s");
    expect(mail.html).toContain("Acme &lt;GmbH&gt;");
  });
});

describe.skipIf(!chromiumPresent)("mail", () => {
  it("invites a new member by mail; the invitee accepts from the link with a new password", async () => {
    const acme = await c.org("Acme GmbH", "commercial", { headcount: 20, owner: company });
    const { page } = tab;
    await signIn(page, base, company.email, PASSWORD);
    await page.goto(`${base}/organizations/${acme.id}`);
    await page.getByLabel("Their email").fill("not an email");
    await page.getByLabel("Their email").evaluate((el) => el.setAttribute("type", "text"));
    await page.getByRole("button", { name: "Send the invitation" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("No invitation was sent");
    expect(await page.getByLabel("Their email").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Their email").inputValue()).toBe("not an email");

    await page.getByLabel("Their email").fill("New.Person@Example.org");
    await page.getByRole("button", { name: "Send the invitation" }).click();
    expect(await page.getByRole("status").textContent()).toContain("An invitation to join as member was sent to new.person@example.org");
    const [mail] = smtp.to("new.person@example.org");
    expect(mail?.subject).toBe("You are invited to Acme GmbH on reciprocity");
    expect(mail?.from).toBe("fund@commune.test");
    expect(mail?.raw).toContain("text/plain");
    expect(mail?.raw).toContain("text/html");
    const link = /(http:\/\/127\.0\.0\.1:\d+\/invitations\/[\w-]+)/.exec(mail!.body)![1]!;

    const invitee = await openTab(browser);
    await invitee.page.goto(link);
    expect(await invitee.page.locator("h1").textContent()).toBe("Join Acme GmbH");
    await invitee.page.getByLabel("Your name").fill("New Person");
    await invitee.page.getByLabel(/Choose a password/).fill("a long new password");
    await invitee.page.getByRole("button", { name: "Create my user and accept" }).click();
    expect(await invitee.page.getByRole("status").textContent()).toContain("you are now a member here");
    expect(await invitee.page.locator("h1").textContent()).toBe("Acme GmbH");
    const user = (await findUserByEmail(h.db, "new.person@example.org"))!;
    expect(await membershipOf(h.db, acme.id, user.id)).toBe("member");
    // The link works once.
    await invitee.page.goto(link);
    expect(await invitee.page.getByRole("alert").textContent()).toContain("already accepted");
    await invitee.context.close();
  });

  it("mails the invoices a billing run issued, a payment received and a cooperative decision", async () => {
    const licensor = await c.org("Commons Coop", "worker_cooperative");
    await c.verify(licensor.id, "verified");
    const w = await c.work("ledger-tool", licensor.id);
    const acme = await c.org("Acme GmbH", "commercial", { headcount: 20, owner: company });
    await c.use(acme, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-01-01" });
    await c.org("Bakery Coop", "worker_cooperative", { headcount: 4, owner: company });
    const { page } = tab;
    await signIn(page, base, treasurer.email, PASSWORD);
    await page.goto(base + "/treasury/billing?month=2026-03");
    await page.getByRole("button", { name: "Bill Mar 2026" }).click();
    expect(await page.getByRole("status").textContent()).toContain("Billing 2026-03");
    const issued = smtp.to(company.email).find((m) => m.subject.startsWith("Invoice RCP-2026-000001"));
    expect(issued?.body).toContain("DE89 3704 0044 0532 0130 00");
    expect(issued?.body).toContain("/invoices/RCP-2026-000001");

    await page.goto(base + "/treasury/invoices/RCP-2026-000001");
    await page.getByLabel(/Amount/).fill("10.00");
    await page.getByLabel(/Reference/).fill("SEPA 77");
    await page.getByRole("button", { name: "Record payment" }).click();
    const paid = smtp.to(company.email).find((m) => m.subject === "Payment received for invoice RCP-2026-000001");
    expect(paid?.body).toContain("EUR 10.00");
    expect(paid?.body).toContain("SEPA 77");

    await page.goto(base + "/treasury");
    await page.getByRole("link", { name: "Review Bakery Coop" }).click();
    await page.getByLabel(/Reason/).fill("The bylaws do not share the surplus");
    await page.getByRole("button", { name: "Reject" }).click();
    const decided = smtp.to(company.email).find((m) => m.subject === "Bakery Coop was rejected as a worker cooperative");
    expect(decided?.body).toContain("The bylaws do not share the surplus");
  });
});
