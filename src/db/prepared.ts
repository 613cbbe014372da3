// Cached prepared statements for the hot write paths (billing, ledger): plain, portable SQL
// compiled once per connection instead of being rebuilt by the query builder on every row.
import type Database from "better-sqlite3";
import type { Db } from "./client.js";

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function prepared(db: Db, sqlText: string): Database.Statement {
  let statements = cache.get(db.$client);
  if (!statements) {
    statements = new Map();
    cache.set(db.$client, statements);
  }
  let statement = statements.get(sqlText);
  if (!statement) {
    statement = db.$client.prepare(sqlText);
    statements.set(sqlText, statement);
  }
  return statement;
}
