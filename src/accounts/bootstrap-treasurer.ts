// API.md: at start, if no treasurer exists, one is created from BOOTSTRAP_TREASURER_* with that
// email and password (web sign-in) and that API token.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { users } from "../db/schema.js";
import type { Clock } from "../shared/clock.js";
import { createUser } from "./create-user.js";
import { hashPassword } from "./passwords.js";
import { createApiToken } from "./tokens.js";

export interface BootstrapInput {
  email: string | undefined;
  password: string | undefined;
  token: string | undefined;
}

export type BootstrapOutcome = "created" | "exists" | "not_configured";

export async function bootstrapTreasurer(db: Db, input: BootstrapInput, deps: { clock: Clock }): Promise<BootstrapOutcome> {
  const already = db.select({ id: users.id }).from(users).where(eq(users.isTreasurer, true)).get();
  if (already) return "exists";
  if (!input.email) return "not_configured";
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return inTransaction(db, () => {
    // Checked again inside the transaction: two processes starting at once create one treasurer.
    if (db.select({ id: users.id }).from(users).where(eq(users.isTreasurer, true)).get()) return "exists";
    const user = createUser(db, { email: input.email!, name: "Treasurer", passwordHash, isTreasurer: true, actorUserId: null }, deps);
    if (input.token) createApiToken(db, { userId: user.id, name: "bootstrap", secret: input.token, actorUserId: null }, deps);
    return "created";
  });
}
