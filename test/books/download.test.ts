// The treasurer's download of the books: a ustar stream that GNU tar unpacks into an export
// verify-books accepts; nobody else gets it.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeHarness, makeUser, passwordHashFor, tempDir, type Harness } from "../support/harness.js";
import { verifyBooks } from "../../src/books/verify-books.js";
import { tarHeader } from "../../src/books/tar.js";
import { billTwoMonths } from "./books-story.js";

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
  await billTwoMonths(h);
}, 60_000);
afterAll(async () => {
  await h.close();
});

async function signedIn(options: { treasurer: boolean }) {
  const user = await makeUser(h, { ...options, passwordHash: await passwordHashFor("a long password") });
  const agent = request.agent(h.app);
  const token = /name="_csrf" value="([^"]+)"/.exec((await agent.get("/login").expect(200)).text)![1]!;
  await agent.post("/login").type("form").send({ _csrf: token, email: user.email, password: "a long password", next: "/" }).expect(303);
  return agent;
}

const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  stream.on("end", () => done(null, Buffer.concat(chunks)));
};

describe("the treasurer's download of the books", () => {
  it("streams a tar that unpacks into books verify-books accepts", async () => {
    const agent = await signedIn({ treasurer: true });
    expect((await agent.get("/treasury").expect(200)).text).toContain('href="/treasury/books.tar"');
    const res = await agent.get("/treasury/books.tar").buffer(true).parse(binary).expect(200);
    expect(res.headers["content-type"]).toContain("application/x-tar");
    expect(res.headers["content-disposition"]).toMatch(/attachment; filename="reciprocity-books-2026-03-10\.tar"/);
    const body = res.body as Buffer;
    expect(body.length % 512).toBe(0);
    const root = tempDir();
    writeFileSync(join(root, "books.tar"), body);
    const out = join(root, "out");
    mkdirSync(out);
    execFileSync("tar", ["-xf", join(root, "books.tar"), "-C", out]);
    expect(readdirSync(out)).toEqual(["reciprocity-books-2026-03-10"]);
    const dir = join(out, "reciprocity-books-2026-03-10");
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(["MANIFEST.json", "ledger.beancount", "journal.csv", "reports", "log"]));
    expect(await verifyBooks(dir)).toBeNull();
  });

  it("is not there for anyone else", async () => {
    const member = await signedIn({ treasurer: false });
    await member.get("/treasury/books.tar").expect(404);
    await request(h.app).get("/treasury/books.tar").set("Accept", "text/html").expect(303);
  });

  it("writes long paths over the prefix and name fields, with a checksum tar accepts", () => {
    const path = `${"a".repeat(120)}/${"b".repeat(90)}.json`;
    const header = tarHeader(path, 3, 0);
    expect(header.subarray(345, 465).toString("utf8").replace(/\0+$/, "")).toBe("a".repeat(120));
    expect(header.subarray(0, 100).toString("utf8").replace(/\0+$/, "")).toBe(`${"b".repeat(90)}.json`);
    const root = tempDir();
    writeFileSync(join(root, "long.tar"), Buffer.concat([header, Buffer.from("abc"), Buffer.alloc(509 + 1024)]));
    expect(
      execFileSync("tar", ["-tf", join(root, "long.tar")])
        .toString()
        .trim(),
    ).toBe(path);
    expect(() => tarHeader(`${"c".repeat(300)}.json`, 1, 0)).toThrow(/too long/);
  });
});
