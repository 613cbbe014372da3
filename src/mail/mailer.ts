// Mail: plain text and HTML from templates, sent through `SMTP_URL` with nodemailer, or written to the
// log when no SMTP server is configured. Callers send after their transaction has committed; a mail
// that cannot be delivered is logged, never turned into a failed request.
import type { Transporter } from "nodemailer";
import type { Logger } from "pino";
import { render } from "../templates.js";

/** The mails there are; each has `templates/mail/<name>.txt.hbs` (first line: the subject) and `.html.hbs`. */
export const MAIL_TEMPLATES = [
  "invitation",
  "invoice-issued",
  "invoice-overdue",
  "payment-received",
  "cooperative-decision",
  "payout-sent",
] as const;
export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

export interface MailMessage {
  to: string[];
  template: MailTemplate;
  view: object;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Subject (the text template's first line), text and HTML of a mail. */
export function renderMail(template: MailTemplate, view: object): { subject: string; text: string; html: string } {
  const [subject = "", ...rest] = render(`mail/${template}.txt.hbs`, view).split("\n");
  return {
    subject: subject.replace(/^Subject:\s*/, "").trim(),
    text: rest.join("\n").trimStart(),
    html: render(`mail/${template}.html.hbs`, view),
  };
}

export function createMailer(config: { SMTP_URL?: string | undefined; MAIL_FROM: string }, logger: Logger): Mailer {
  // nodemailer (60–100 ms to load) is loaded by the first mail sent, not at start-up.
  let transporter: Promise<Transporter> | undefined;
  const transportFor = (url: string) =>
    (transporter ??= import("nodemailer").then(({ default: nodemailer }) => nodemailer.createTransport(url)));
  return {
    async send(message) {
      if (message.to.length === 0) return;
      const mail = renderMail(message.template, message.view);
      if (!config.SMTP_URL) {
        logger.info({ mail: { to: message.to, subject: mail.subject, template: message.template } }, "mail not sent: no SMTP_URL");
        return;
      }
      try {
        const transport = await transportFor(config.SMTP_URL);
        await transport.sendMail({ from: config.MAIL_FROM, to: message.to, subject: mail.subject, text: mail.text, html: mail.html });
      } catch (err) {
        logger.error({ err, mail: { to: message.to, template: message.template } }, "mail could not be sent");
      }
    },
  };
}
