// The OpenAPI 3.1 document, built from the route declarations and their zod schemas.
import { z } from "zod";
import type { RegisteredRoute } from "./route.js";
import { problemSchema } from "../shared/schemas.js";

type JsonSchema = Record<string, unknown>;

/**
 * Named schemas (zod `.meta({ id })`) shared by the whole document: zod puts them in each schema's own
 * `$defs`, whose `#/$defs/…` refs would resolve against the document root. They move to
 * `components.schemas` (input forms, which may accept more than is output, named `…Input`).
 */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  toSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", reused: "inline" }) as JsonSchema;
    delete json.$schema;
    const name = (id: string) => (io === "input" ? `${id}Input` : id);
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (!value || typeof value !== "object") return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/") ? `#/components/schemas/${name(v.slice(8))}` : rewrite(v),
        ]),
      );
    };
    for (const [id, def] of Object.entries(defs)) this.schemas[name(id)] = rewrite(def) as JsonSchema;
    return rewrite(json) as JsonSchema;
  }
}

function parametersOf(components: Components, schema: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const json = components.toSchema(schema, "input");
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === "path" || required.has(name), schema: s }));
}

export function buildOpenApi(routes: RegisteredRoute[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const components = new Components();
  const problem = components.toSchema(problemSchema, "output");
  for (const { spec } of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[status] = {
        description: r.description,
        // Every 201 names what it created (held by the route checks in the tests).
        ...(status === "201"
          ? { headers: { Location: { description: "The URL of what was created", schema: { type: "string", format: "uri" } } } }
          : {}),
        ...(r.schema
          ? { content: { [r.contentType ?? "application/json"]: { schema: components.toSchema(r.schema, "output") } } }
          : r.contentType
            ? { content: { [r.contentType]: {} } }
            : {}),
      };
    }
    responses.default = { description: "A problem (RFC 9457)", content: { "application/problem+json": { schema: problem } } };
    const headerParams = Object.entries(spec.headers ?? {}).map(([name, h]) => ({
      name,
      in: "header",
      required: h.required,
      description: h.description,
      schema: { type: "string" },
    }));
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method}${spec.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      parameters: [...parametersOf(components, spec.params, "path"), ...parametersOf(components, spec.query, "query"), ...headerParams],
      responses,
      security: spec.auth === "public" ? [] : spec.auth === "optional" ? [{}, { bearer: [] }] : [{ bearer: [] }],
    };
    if (spec.body)
      operation.requestBody = { required: true, content: { "application/json": { schema: components.toSchema(spec.body, "input") } } };
    if (spec.rawBody) {
      operation.requestBody = {
        required: true,
        description: spec.rawBody.description,
        content: Object.fromEntries(spec.rawBody.contentTypes.map((t) => [t, {}])),
      };
    }
    (paths[spec.path] ??= {})[spec.method] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "reciprocity",
      version: info.version,
      description: "Licensing and reciprocity tracker for peer-production commons (Peer Production License).",
    },
    servers: [{ url: info.serverUrl }],
    components: { schemas: components.schemas, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
