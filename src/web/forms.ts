// Form helpers: validation failures become a re-rendered form that keeps what the user typed.
import type { Request } from "express";
import { z } from "zod";
import { AppError, type FieldError } from "../shared/errors.js";
import { fieldErrors } from "../http/route.js";
import type { Money } from "../shared/money.js";
import { moneyInputSchema } from "../shared/schemas.js";
import type { Response } from "express";
import { noticeOf } from "./notices.js";

export interface FormState {
  values: Record<string, unknown>;
  errors: FieldError[];
  fieldErrors: Record<string, string>;
  summary: string | null;
}

/**
 * Templates are strict: a missing property is an error. Form values and field errors are read
 * for every field of a form, so unknown keys read as "" (nothing typed, no error).
 */
function lenient<T extends object>(record: T): T {
  const read = (target: T, key: string | symbol) =>
    typeof key === "string" ? ((target as Record<string, unknown>)[key] ?? "") : undefined;
  return new Proxy(record, {
    has: () => true,
    get: read,
    // Handlebars only reads own properties: every field name is one.
    getOwnPropertyDescriptor: (target, key) => ({ value: read(target, key), writable: true, enumerable: true, configurable: true }),
  });
}

export const emptyForm = (values: Record<string, unknown> = {}): FormState => ({
  values: lenient({ ...values }),
  errors: [],
  fieldErrors: lenient({}),
  summary: null,
});

export function formFromError(values: Record<string, unknown>, err: unknown): FormState {
  if (!(err instanceof AppError) || (err.status >= 500 && err.code !== "github_unavailable" && err.code !== "github_rate_limited"))
    throw err;
  const errors = err.errors ?? [];
  const byField: Record<string, string> = {};
  for (const e of errors) {
    const key = e.path.replace(/^\//, "").split("/")[0] ?? "";
    byField[key || "form"] ??= e.message;
  }
  return { values: lenient({ ...values }), errors, fieldErrors: lenient(byField), summary: err.message };
}

/**
 * The state of form `name` after a redirect: when the notice says that form was refused, what was
 * typed and the fields at fault (the layout shows the summary); else an empty form with `defaults`.
 */
export function formFromNotice(res: Response, name: string, defaults: Record<string, unknown> = {}): FormState {
  const notice = noticeOf(res);
  if (notice?.kind !== "error" || notice.form !== name) return emptyForm(defaults);
  const byField: Record<string, string> = {};
  for (const e of notice.errors ?? []) byField[e.path.split("/")[0] ?? "form"] ??= e.message;
  return { values: lenient({ ...defaults, ...notice.values }), errors: [], fieldErrors: lenient(byField), summary: null };
}

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new AppError("validation_failed", "Please correct the fields marked below.", { errors: fieldErrors(parsed.error) });
  return parsed.data;
}

export const formBody = (req: Request): Record<string, unknown> =>
  req.body && typeof req.body === "object" ? (req.body as Record<string, unknown>) : {};

/** Empty form fields arrive as ""; treat them as absent. */
export const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** An amount typed into a form ("1,234.50", "1 234.50"): spaces and thousands separators are dropped. */
export const moneyFromForm = (amount: string, currency: string): Money =>
  parseForm(moneyInputSchema, { amount: amount.replace(/[\s,]/g, ""), currency });

/** A single text field of a urlencoded form ("" when absent or not text). */
export const textField = (req: Request, name: string): string => {
  const v = formBody(req)[name];
  return typeof v === "string" ? v.trim() : "";
};
