// The published OpenAPI document is valid OpenAPI 3.1 (every $ref resolves) and is the one committed as
// openapi.json. `npm run openapi` rewrites the committed file after a deliberate change.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileErrors, validate } from "@readme/openapi-parser";
import { openApiDocument } from "../../scripts/openapi-document.js";

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, found);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") found.push(v);
      else refs(v, found);
    }
  return found;
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 and every $ref points at a component that exists", async () => {
    const document = (await openApiDocument()) as { components: { schemas: Record<string, unknown> } };
    const all = refs(document);
    expect(all.length).toBeGreaterThan(10);
    for (const ref of all) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(document.components.schemas[ref.slice("#/components/schemas/".length)], ref).toBeDefined();
    }
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? "" : compileErrors(result)).toBe("");
  });

  it("is the one committed as openapi.json (run `npm run openapi` after changing a route)", async () => {
    const committed = JSON.parse(readFileSync(join(import.meta.dirname, "../../openapi.json"), "utf8")) as unknown;
    expect(await openApiDocument()).toEqual(committed);
  });
});
