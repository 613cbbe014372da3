// SQLite through better-sqlite3: one writer connection, used only inside transactions, and one read-only
// connection for everything else. The only module (with client.ts) that knows better-sqlite3 exists.
import Database from "better-sqlite3";
import { sql, type SQL } from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { Mutex } from "./mutex.js";
import { DATA_VERSION, SQLITE_MARK, type Db } from "./handle.js";

/**
 * Page cache per connection, in KiB: SQLite's default size. A page cache is resident memory the process never
 * gives back, and a page missed is read from the operating system's file cache, which is not the server's
 * memory. With 16 MiB a connection, the reader's cache (filled by a check) and the writer's (by a billing run)
 * kept 30–35 MB more of the server's malloc heap than 2 MiB did, for no difference in a check's time.
 */
const PAGE_CACHE_KIB = 2048;

function setPragmas(connection: Database.Database): void {
  connection.pragma("journal_mode = WAL");
  // FULL: a committed payment or invoice survives power loss, not only a process crash.
  connection.pragma("synchronous = FULL");
  connection.pragma("foreign_keys = ON");
  // Another process holding the write lock is waited for, up to five seconds.
  connection.pragma("busy_timeout = 5000");
  connection.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
}

/** Statements kept compiled per connection; the least recently used beyond this is dropped. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * drizzle compiles every query it runs (`prepare`) even when the same SQL ran a moment ago; compiling was
 * the largest part of a small read. The connection keeps the statements it compiled, by SQL text, and hands
 * one back in its default (object-row) mode, since drizzle switches statements to raw mode when it maps
 * selected fields itself. A statement still stepping through an iterator is never handed out twice.
 */
function cacheStatements(connection: Database.Database): void {
  const prepare = connection.prepare.bind(connection);
  const cache = new Map<string, Database.Statement>();
  const cached = (source: string): Database.Statement => {
    const statement = cache.get(source);
    if (statement === undefined || statement.busy) {
      const compiled = prepare(source);
      if (statement === undefined) {
        cache.set(source, compiled);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return compiled;
    }
    // Most recently used last, so the first key is the one to drop.
    cache.delete(source);
    cache.set(source, statement);
    if (statement.reader) statement.raw(false);
    return statement;
  };
  Object.defineProperty(connection, "prepare", { value: cached });
}

/**
 * A LIMIT that is a bound parameter makes SQLite (3.47 and later) recompile the statement whenever the value is
 * bound again, which better-sqlite3 does on every run: a `.limit(1)` lookup cost several times the lookup
 * itself. A whole-number limit is written into the SQL text instead (it is a number, never text from a client);
 * placeholders stay parameters.
 */
function inlineLimits(handle: BetterSQLite3Database): void {
  const dialect = (handle as unknown as { dialect: { buildLimit(limit: unknown): SQL | undefined } }).dialect;
  const build = dialect.buildLimit.bind(dialect);
  dialect.buildLimit = (limit) =>
    typeof limit === "number" && Number.isSafeInteger(limit) && limit >= 0 ? sql.raw(` limit ${limit}`) : build(limit);
}

/** Asked before every cacheable read (src/db/data-version.ts): one compiled statement, without drizzle's query building. */
function answerDataVersion(handle: BetterSQLite3Database, connection: Database.Database): void {
  const version = connection.prepare("select data_version as v, total_changes() as c from pragma_data_version");
  Object.defineProperty(handle, DATA_VERSION, {
    value: () => {
      const row = version.get() as { v: number; c: number };
      return `${row.v}.${row.c}`;
    },
  });
}

type TransactionFn = <T>(fn: (tx: Db) => Promise<T>) => Promise<T>;

export function openSqlite(
  path: string,
  options: { migrate: boolean; migrationsFolder: string },
): { db: Db; close(): Promise<void>; backup(file: string): Promise<void> } {
  const writer = new Database(path);
  setPragmas(writer);
  cacheStatements(writer);
  const writerDb = drizzle({ client: writer });
  inlineLimits(writerDb);
  if (options.migrate) migrate(writerDb, { migrationsFolder: options.migrationsFolder });
  // An in-memory database has no second connection: reads share the writer (tests of pure logic only).
  const reader = path === ":memory:" ? writer : new Database(path, { readonly: true });
  if (reader !== writer) {
    cacheStatements(reader);
    reader.pragma("busy_timeout = 5000");
    reader.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  }
  const readerDb = drizzle({ client: reader });
  inlineLimits(readerDb);
  answerDataVersion(readerDb, reader);

  const mutex = new Mutex();
  let savepoints = 0;
  // Inside a transaction the handle is the writer; a nested transaction is a savepoint.
  const nested: TransactionFn = async (fn) => {
    const name = `sp${++savepoints}`;
    writer.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(writerDb as unknown as Db);
      writer.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      writer.exec(`ROLLBACK TO ${name}`);
      writer.exec(`RELEASE ${name}`);
      throw error;
    }
  };
  const outer: TransactionFn = async (fn) => {
    const release = await mutex.acquire();
    try {
      writer.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(writerDb as unknown as Db);
        writer.exec("COMMIT");
        return result;
      } catch (error) {
        if (writer.inTransaction) writer.exec("ROLLBACK");
        throw error;
      }
    } finally {
      release();
    }
  };
  for (const [handle, transaction] of [
    [writerDb, nested],
    [readerDb, outer],
  ] as const) {
    Object.defineProperty(handle, SQLITE_MARK, { value: true });
    Object.defineProperty(handle, "transaction", { value: transaction });
  }

  return {
    db: readerDb as unknown as Db,
    close: async () => {
      // Waits for a transaction in flight, then closes both connections.
      const release = await mutex.acquire();
      if (reader.open && reader !== writer) reader.close();
      if (writer.open) writer.close();
      release();
    },
    backup: async (file) => {
      await writer.backup(file);
    },
  };
}
