// Routes are declared once: the declaration registers the express handler and its OpenAPI
// operation from the same zod schemas, so the document cannot drift from the validation.
import type { Request, RequestHandler, Response, Router } from "express";
import { z } from "zod";
import { AppError, type FieldError } from "../shared/errors.js";
import { idParamSchema } from "../shared/schemas.js";
import type { AuthUser } from "./auth.js";

export type Method = "get" | "post" | "put" | "patch" | "delete";
export type AuthMode = "public" | "optional" | "user" | "treasurer";

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** OpenAPI style: `/organizations/{id}`. */
  path: string;
  summary: string;
  tag: string;
  auth: AuthMode;
  params?: P;
  query?: Q;
  body?: B;
  /** Body media types accepted when the body is not JSON (lockfiles, webhooks). */
  rawBody?: { contentTypes: string[]; description: string };
  headers?: Record<string, { required: boolean; description: string }>;
  responses: Record<number, ResponseSpec>;
  /** Extra middleware run before validation (rate limits, raw body readers). */
  before?: RequestHandler[];
  /**
   * `public`: a public GET whose answer depends only on its URL and the data, so anonymous requests may be
   * answered from the response cache (src/http/response-cache.ts) until the next commit.
   */
  cache?: "public";
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  user: AuthUser | null;
  req: Request;
  res: Response;
}

export interface AuthedContext<P, Q, B> extends RouteContext<P, Q, B> {
  user: AuthUser;
}

type Ctx<A extends AuthMode, P, Q, B> = A extends "user" | "treasurer" ? AuthedContext<P, Q, B> : RouteContext<P, Q, B>;

export interface RegisteredRoute {
  spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>;
}

export class ApiRouter {
  readonly routes: RegisteredRoute[] = [];
  /** Express paths (with the prefix) of the routes declared `cache: "public"`. */
  readonly cacheablePaths: string[] = [];

  constructor(
    readonly router: Router,
    readonly prefix: string,
    /** Parses JSON bodies; only routes that declare a JSON body get it, so uploads stay raw. */
    private readonly jsonParser: RequestHandler,
    /** Hold every 2xx JSON body to its declared schema, exactly (the test suite turns this on). */
    private readonly checkResponses = false,
    /** Run before every state-changing route (POST, PUT, PATCH, DELETE), once the route is known. */
    private readonly writeGuard?: RequestHandler,
  ) {}

  route<A extends AuthMode, P extends z.ZodType = z.ZodObject, Q extends z.ZodType = z.ZodObject, B extends z.ZodType = z.ZodUnknown>(
    spec: RouteSpec<P, Q, B> & { auth: A },
    handler: (ctx: Ctx<A, z.output<P>, z.output<Q>, z.output<B>>) => unknown,
  ): void {
    this.routes.push({ spec: spec });
    const expressPath = spec.path.replace(/\{(\w+)\}/g, ":$1");
    if (spec.cache === "public") {
      if (spec.method !== "get" || spec.auth !== "public") throw new Error(`${spec.path}: only public GETs may be cached`);
      this.cacheablePaths.push(`${this.prefix}${expressPath}`);
    }
    const run: RequestHandler = async (req, res) => {
      const user = req.auth ?? null;
      if (spec.auth === "user" || spec.auth === "treasurer") {
        if (!user)
          throw new AppError("unauthenticated", "Sign in or send `Authorization: Bearer <token>`.", {
            headers: { "WWW-Authenticate": 'Bearer realm="reciprocity"' },
          });
        if (spec.auth === "treasurer" && !user.isTreasurer) throw new AppError("forbidden", "Only treasurers may do this.");
      }
      const params = spec.params ? spec.params.safeParse(req.params) : { success: true as const, data: req.params };
      if (!params.success) throw new AppError("not_found", `No resource at ${req.method} ${req.path}.`);
      const query = spec.query ? parseOrThrow(spec.query, req.query, "query", "The query string is not valid.") : req.query;
      let body: unknown = undefined;
      if (spec.body) {
        if (!req.is("application/json")) {
          throw new AppError("unsupported_media_type", "Send the request body as application/json.");
        }
        body = parseOrThrow(spec.body, req.body, "body", "The request body is not valid.");
      }
      const ctx = { params: params.data, query, body, user, req, res } as Ctx<A, z.output<P>, z.output<Q>, z.output<B>>;
      if (this.checkResponses) checkResponseBodies(spec, res);
      await handler(ctx);
    };
    const guard = spec.method !== "get" && this.writeGuard ? [this.writeGuard] : [];
    this.router[spec.method](expressPath, ...guard, ...(spec.body ? [this.jsonParser] : []), ...(spec.before ?? []), run);
  }
}

/**
 * Wraps `res.json` so a 2xx body that its declared schema refuses, or that carries fields the schema does not
 * declare, is a programmer error: it is reported and answered with a 500 instead of being sent.
 */
function checkResponseBodies(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>, res: Response): void {
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    const declared = spec.responses[res.statusCode];
    if (res.statusCode >= 200 && res.statusCode < 300) {
      const problem = !declared?.schema
        ? "no schema is declared for this status"
        : res.statusCode === 201 && !res.get("Location")
          ? "a 201 must name what it created in a Location header"
          : responseMismatch(declared.schema, body);
      if (problem) {
        const message = `response of ${spec.method.toUpperCase()} ${spec.path} (${res.statusCode}) does not match its declared schema: ${problem}`;
        console.error(message);
        res.status(500);
        return send({ type: "about:blank", title: "Internal Server Error", status: 500, code: "internal", detail: message });
      }
    }
    return send(body);
  };
}

function responseMismatch(schema: z.ZodType, body: unknown): string | null {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  // Parsing strips fields the schema does not name: an exact schema leaves the body as it was.
  const extra = extraFields(JSON.parse(JSON.stringify(body)) as unknown, JSON.parse(JSON.stringify(parsed.data)) as unknown, "");
  return extra.length > 0 ? `undeclared fields ${extra.join(", ")}` : null;
}

function extraFields(sent: unknown, declared: unknown, path: string): string[] {
  if (Array.isArray(sent) && Array.isArray(declared)) return sent.flatMap((v, i) => extraFields(v, declared[i], `${path}[${i}]`));
  if (!sent || typeof sent !== "object" || !declared || typeof declared !== "object") return [];
  const known = declared as Record<string, unknown>;
  return Object.entries(sent).flatMap(([k, v]) =>
    k in known ? extraFields(v, known[k], `${path}.${k}`) : [`${path}.${k}`.replace(/^\./, "")],
  );
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query", detail: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError("validation_failed", detail, { errors: fieldErrors(parsed.error, where === "query" ? "query" : "") });
}

export function fieldErrors(error: z.ZodError, root = ""): FieldError[] {
  const prefix = root ? `/${root}` : "";
  const pointer = (path: PropertyKey[]) => prefix + path.map((p) => `/${String(p).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((k) => ({ path: pointer([...issue.path, k]), message: "is not a known field" }))
      : [{ path: pointer(issue.path), message: issue.message }],
  );
}

export const idParam = z.object({ id: idParamSchema });
