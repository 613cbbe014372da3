// Handlebars, strict and logic-less: TypeScript builds the view model, helpers only format.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";

export const TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../templates");

const engine = Handlebars.create();

/**
 * `{{invalid form "email" "member-email"}}` on an input: marks it invalid and points it at its
 * message (`member-email-error`, written by the `field-error` partial) when the form refused it.
 */
engine.registerHelper("invalid", (form: { fieldErrors?: Record<string, string> } | undefined, name: string, id: string) =>
  form?.fieldErrors?.[name]
    ? new Handlebars.SafeString(` aria-invalid="true" aria-describedby="${Handlebars.escapeExpression(id)}-error"`)
    : "",
);
/** `(concat "band" 2 "minHeadcount")`: the field names of a form's numbered rows. */
engine.registerHelper("concat", (...args: unknown[]) =>
  args
    .slice(0, -1)
    .map((a) => String(a))
    .join(""),
);
const compiled = new Map<string, Handlebars.TemplateDelegate>();
let partialsRegistered = false;

/** Partials live in templates/partials; `{{> name}}` includes templates/partials/name.hbs. */
function registerPartials(): void {
  if (partialsRegistered) return;
  const dir = join(TEMPLATES_DIR, "partials");
  for (const file of readdirSync(dir)) {
    if (file.endsWith(".hbs")) engine.registerPartial(file.replace(/\.hbs$/, ""), readFileSync(join(dir, file), "utf8"));
  }
  partialsRegistered = true;
}

/** Renders `templates/<name>`; `.txt`/`.md` templates are not HTML-escaped. */
export function render(name: string, view: object): string {
  let template = compiled.get(name);
  if (!template) {
    registerPartials();
    const source = readFileSync(join(TEMPLATES_DIR, name), "utf8");
    const isHtml = name.endsWith(".html.hbs") || name.endsWith(".svg.hbs") || name.endsWith(".xml.hbs");
    template = engine.compile(source, { strict: true, noEscape: !isHtml });
    compiled.set(name, template);
  }
  return template(view);
}
