import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, makeHarness, type Harness } from "../support/harness.js";

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

describe("OpenAPI", () => {
  it("publishes a 3.1 document built from the request schemas", async () => {
    const res = await api(h).get("/api/v1/openapi.json").expect(200);
    expect(res.body.openapi).toBe("3.1.0");
    const create = res.body.paths["/organizations"].post;
    const body = create.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["name", "kind"]));
    expect(body.properties.kind.enum).toEqual(["worker_cooperative", "commercial", "nonprofit", "individual", "public_body"]);
    expect(body.additionalProperties).toBe(false);
    expect(res.body.paths["/organizations/{id}/facts"].post.parameters).toEqual([
      expect.objectContaining({ name: "id", in: "path", required: true }),
    ]);
    expect(create.responses.default.content["application/problem+json"]).toBeDefined();
  });
});
