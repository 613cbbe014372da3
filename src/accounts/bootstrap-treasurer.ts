// API.md: at start, if no treasurer exists, one is created from BOOTSTRAP_TREASURER_* with that
// email and password (web sign-in) and that API token.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/sql.js";
import { users } from "../db/schema.js";
import type { Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { createUser } from "./create-user.js";
import { hashPassword } from "./passwords.js";
import { createApiToken } from "./tokens.js";

export interface BootstrapInput {
  email: string | undefined;
  password: string | undefined;
  token: string | undefined;
}

export type BootstrapOutcome = "created" | "exists" | "not_configured";

async function treasurerExists(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.isTreasurer, true)).limit(1);
  return row !== undefined;
}

export async function bootstrapTreasurer(db: Db, input: BootstrapInput, deps: { clock: Clock }): Promise<BootstrapOutcome> {
  if (await treasurerExists(db)) return "exists";
  const email = input.email;
  if (!email) return "not_configured";
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    return await db.transaction(async (tx): Promise<BootstrapOutcome> => {
      // Checked again inside the transaction: two processes starting at once create one treasurer.
      if (await treasurerExists(tx)) return "exists";
      const user = await createUser(tx, { email, name: "Treasurer", passwordHash, isTreasurer: true, actorUserId: null }, deps);
      if (input.token) await createApiToken(tx, { userId: user.id, name: "bootstrap", secret: input.token, actorUserId: null }, deps);
      return "created";
    });
  } catch (error) {
    // On PostgreSQL both processes may pass the check; the unique email (or token) lets one through,
    // and the other finds the treasurer it made.
    const lostRace = (error instanceof AppError && error.code === "email_taken") || isUniqueViolation(error);
    if (lostRace && (await treasurerExists(db))) return "exists";
    throw error;
  }
}
