// Configuration comes from the environment and is validated once, at start.
import { z } from "zod";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v));

export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    DATABASE_PATH: z.string().min(1).default("./data/reciprocity.sqlite"),
    /** `postgres://…` selects PostgreSQL; without it, SQLite at DATABASE_PATH. */
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
        .optional(),
    ),
    /** Several instances behind one database list their hosts' proxies here; off by default. */
    TRUST_PROXY: optionalString,
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** The address the server is reached at: every absolute URL it writes starts with it (required in production). */
    PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    NODE_ENV: optionalString,
    BOOTSTRAP_TREASURER_EMAIL: optionalString.pipe(z.email().optional()),
    BOOTSTRAP_TREASURER_PASSWORD: optionalString.pipe(z.string().min(8).optional()),
    BOOTSTRAP_TREASURER_TOKEN: optionalString.pipe(z.string().min(16).optional()),
    GITHUB_API_URL: z.url().default("https://api.github.com"),
    /** `smtp://` or `smtps://` server for mail; without it mail is logged, not sent. */
    SMTP_URL: optionalString.pipe(
      z
        .string()
        .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
        .optional(),
    ),
    MAIL_FROM: z.string().min(3).default("reciprocity <fund@reciprocity.invalid>"),
    /** GitHub's web address (GitHub Enterprise: your server) for signing in with GitHub. */
    GITHUB_WEB_URL: z.url().default("https://github.com"),
    GITHUB_CLIENT_ID: optionalString,
    GITHUB_CLIENT_SECRET: optionalString,
    GITHUB_WEBHOOK_SECRET: optionalString,
    GITHUB_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
    NPM_REGISTRY_URL: z.url().default("https://registry.npmjs.org"),
    GITHUB_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    SIGNING_KEY_PATH: z.string().min(1).default("./data/signing-key.pem"),
    /** The Ed25519 private key as PEM: used instead of SIGNING_KEY_PATH, so several instances share one key. */
    SIGNING_KEY: optionalString,
    INVOICE_PREFIX: z
      .string()
      .regex(/^[A-Z0-9]{2,10}$/, "2 to 10 capital letters or digits")
      .default("RCP"),
    PAYMENT_TERMS_DAYS: z.coerce.number().int().min(0).max(365).default(30),
    /** How many months back a billing run catches up usage declared after those months were billed. */
    CATCH_UP_MONTHS: z.coerce.number().int().min(0).max(120).default(12),
    SELLER_NAME: z.string().min(1).default("Commune Fund"),
    SELLER_COUNTRY: z.string().length(2).default("DE"),
    SELLER_ADDRESS: z.string().default(""),
    SELLER_VAT_ID: optionalString,
    SELLER_IBAN: z.string().default(""),
    SELLER_EMAIL: z.email().default("fund@reciprocity.invalid"),
    CHECK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    /** Hold every 2xx API body to its declared response schema (on in tests; costs a parse per response). */
    CHECK_RESPONSES: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    /** The transparency log's origin (its checkpoints' first line and its key's name); from PUBLIC_URL by default. */
    BOOKS_ORIGIN: optionalString.pipe(
      z
        .string()
        .regex(/^[\x21-\x2a\x2c-\x7e]+$/, "printable ASCII without spaces or '+'")
        .optional(),
    ),
    /** Publish the log's full entries (data tiles), not only their hashes. */
    BOOKS_PUBLIC_ENTRIES: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
    /** How often the server signs a checkpoint of new entries (0: never on a timer). */
    BOOKS_CHECKPOINT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
    MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === "production" && c.PUBLIC_URL === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["PUBLIC_URL"],
        message: "is required when NODE_ENV=production: badges, links and callbacks are written with it, never from the Host header",
      });
    }
    const set = [c.BOOTSTRAP_TREASURER_EMAIL, c.BOOTSTRAP_TREASURER_PASSWORD, c.BOOTSTRAP_TREASURER_TOKEN];
    const given = set.filter((v) => v !== undefined).length;
    if (given !== 0 && c.BOOTSTRAP_TREASURER_EMAIL === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["BOOTSTRAP_TREASURER_EMAIL"],
        message: "is required when a bootstrap password or token is given",
      });
    }
  });

export type Config = z.output<typeof configSchema>;

/**
 * The base of every absolute URL the server writes (badges, links, callbacks, documents): PUBLIC_URL, or in
 * development the address it listens on. Never the request's Host header, which the client chooses.
 */
export function publicBaseUrl(config: Pick<Config, "PUBLIC_URL" | "HOST" | "PORT">): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/+$/, "");
  const host =
    config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST;
  return `http://${host}:${config.PORT}`;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...configSchema.parse({ LOG_LEVEL: "silent", CHECK_RESPONSES: "true" }), ...overrides };
}
