// Absolute URLs come from PUBLIC_URL (required in production), never from the Host header a client sends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, publicBaseUrl } from "../../src/config.js";
import { api, makeHarness, makeUser, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
beforeAll(async () => {
  h = await makeHarness({ PUBLIC_URL: "https://commune.example/" });
  const c = await Commune.create(h, await makeUser(h, { treasurer: true }));
  await c.work("tool", (await c.org("Commons", "worker_cooperative")).id);
});
afterAll(async () => {
  await h.close();
});

describe("PUBLIC_URL", () => {
  it("is required when NODE_ENV=production: the server refuses to start without it", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/PUBLIC_URL/);
    expect(loadConfig({ NODE_ENV: "production", PUBLIC_URL: "https://fund.example" }).PUBLIC_URL).toBe("https://fund.example");
    expect(() => loadConfig({ PUBLIC_URL: "javascript:alert(1)" })).toThrow(ConfigError);
    // In development the listening address stands in.
    expect(publicBaseUrl(loadConfig({ PORT: "4000" }))).toBe("http://127.0.0.1:4000");
  });

  const forged = { Host: "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http" };

  it("is the base of every absolute URL, whatever Host and X-Forwarded-Host say", async () => {
    const work = await api(h).get("/api/v1/works/tool").set(forged).expect(200);
    expect(work.body.links.badge).toBe("https://commune.example/api/v1/works/tool/badge.svg");
    const list = await api(h).get("/api/v1/works").set(forged).expect(200);
    expect(JSON.stringify(list.body)).not.toContain("evil.example");
    for (const path of ["/api/v1/works/tool/license?format=markdown", "/works/tool", "/"]) {
      const res = await api(h).get(path).set(forged).set("Accept", "text/html");
      expect(res.status, path).toBe(200);
      expect(res.text, path).not.toContain("evil.example");
    }
    expect((await api(h).get("/works/tool").set(forged)).text).toContain("https://commune.example/works/tool");
  });

  it("is the listening address when unset (development), still not the Host header", async () => {
    const dev = await makeHarness();
    try {
      const c = await Commune.create(dev, await makeUser(dev, { treasurer: true }));
      await c.work("tool", (await c.org("Commons", "worker_cooperative")).id);
      const work = await api(dev).get("/api/v1/works/tool").set(forged).expect(200);
      expect(work.body.links.badge).toBe(`${publicBaseUrl(dev.config)}/api/v1/works/tool/badge.svg`);
      expect(work.body.links.badge).not.toContain("evil.example");
    } finally {
      await dev.close();
    }
  });
});
