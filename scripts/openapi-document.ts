// The OpenAPI document exactly as the server publishes it, from an app on an in-memory database.
import { npmRegistryFromConfig } from "../src/deps.js";
import request from "supertest";
import { pino } from "pino";
import { createApp } from "../src/app.js";
import { testConfig } from "../src/config.js";
import { openDatabase } from "../src/db/client.js";
import { GitHub } from "../src/github/github-client.js";
import { booksLogFor } from "../src/deps.js";
import { createMailer } from "../src/mail/mailer.js";
import { signerFromPrivateKey } from "../src/grants/signing-key.js";
import { systemClock } from "../src/shared/clock.js";
import { generateKeyPairSync } from "node:crypto";

export async function openApiDocument(): Promise<unknown> {
  const database = await openDatabase({ path: ":memory:" });
  try {
    const config = testConfig({ DATABASE_PATH: ":memory:" });
    const signer = signerFromPrivateKey(generateKeyPairSync("ed25519").privateKey);
    const app = createApp({
      db: database.db,
      config,
      npm: npmRegistryFromConfig(config),
      clock: systemClock,
      logger: pino({ level: "silent" }),
      github: new GitHub({ baseUrl: config.GITHUB_API_URL, timeoutMs: 1000, retries: 0 }),
      signer,
      books: booksLogFor(config, signer),
      mailer: createMailer(config, pino({ level: "silent" })),
    });
    const res = await request(app).get("/api/v1/openapi.json").expect(200);
    return res.body as unknown;
  } finally {
    await database.close();
  }
}
