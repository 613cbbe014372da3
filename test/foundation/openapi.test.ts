import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, makeHarness, type Harness } from "../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

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

describe("security headers", () => {
  it("do not ask browsers to upgrade to HTTPS when served over HTTP, and do when PUBLIC_URL is https", async () => {
    const plain = await makeHarness();
    const res = await api(plain).get("/healthz");
    expect(res.headers["content-security-policy"]).not.toContain("upgrade-insecure-requests");
    expect(res.headers["strict-transport-security"]).toBeUndefined();
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    await plain.close();
    const secure = await makeHarness({ PUBLIC_URL: "https://commune.example" });
    const res2 = await api(secure).get("/healthz");
    expect(res2.headers["content-security-policy"]).toContain("upgrade-insecure-requests");
    expect(res2.headers["strict-transport-security"]).toContain("max-age=");
    await secure.close();
  });
});
