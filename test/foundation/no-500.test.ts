// Nothing a client sends earns a 500: random JSON to every write route of the OpenAPI document.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, makeHarness, makeUser, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let treasurer: TestUser;
const routes: { method: "post" | "put" | "delete"; path: string }[] = [];

beforeAll(async () => {
  h = await makeHarness();
  treasurer = await makeUser(h, { treasurer: true });
  const c = await Commune.create(h, treasurer);
  const licensor = await c.org("Commons", "worker_cooperative");
  await c.work("tool", licensor.id);
  const doc = (await api(h).get("/api/v1/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) if (method === "post" || method === "put" || method === "delete") routes.push({ method, path });
  }
});
afterAll(async () => {
  await h.close();
});

describe("random request bodies", () => {
  it("never get a 500 from any write route", async () => {
    expect(routes.length).toBeGreaterThan(15);
    const params = fc.constantFrom("1", "tool", "RCP-2026-000001", "999999", "x");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), params, fc.jsonValue({ maxDepth: 3 }), async (route, param, body) => {
        const url = `/api/v1${route.path.replace(/\{\w+\}/g, param)}`;
        const client = api(h);
        const req = route.method === "post" ? client.post(url) : route.method === "put" ? client.put(url) : client.delete(url);
        const res = await req
          .set(treasurer.auth)
          .set("Idempotency-Key", "fuzz")
          .set("content-type", "application/json")
          .send(JSON.stringify(body));
        expect(res.status, `${route.method.toUpperCase()} ${url} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});
