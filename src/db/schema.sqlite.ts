// The SQLite tables, derived from the PostgreSQL schema (`schema.ts`) so the two can never drift:
// same tables, columns, nullability, defaults, keys, indexes, foreign keys and CHECK constraints.
// drizzle-kit reads this module for the SQLite migrations. At run time both engines use the tables of
// `schema.ts`: drizzle builds SQL from a table's names alone, and every column maps its values the same
// way on both (the one exception, booleans, is the `flag` column type).
import { getTableConfig, PgTable, type PgColumn } from "drizzle-orm/pg-core";
import {
  check,
  foreignKey,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
  type SQLiteColumnBuilderBase,
  type SQLiteTableWithColumns,
} from "drizzle-orm/sqlite-core";
import { getTableColumns } from "drizzle-orm";
import * as pg from "./schema.js";

/**
 * Append-only tables keep plain rowid keys on SQLite: their rows are never deleted, and AUTOINCREMENT
 * would cost a sqlite_sequence write on every insert of the busiest tables.
 */
const PLAIN_ROWID_TABLES = new Set([
  "audit_log",
  "invoice_lines",
  "ledger_transactions",
  "ledger_transfers",
  "payment_attributions",
  "distribution_allocations",
]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tables of any shape
type AnySqliteTable = SQLiteTableWithColumns<any>;

function sqliteColumn(tableName: string, column: PgColumn): SQLiteColumnBuilderBase {
  const { columnType, name } = column;
  let builder;
  if (column.generatedIdentity) {
    if (!column.primary) throw new Error(`${tableName}.${name}: identity columns must be primary keys`);
    return integer(name).primaryKey({ autoIncrement: !PLAIN_ROWID_TABLES.has(tableName) });
  }
  switch (columnType) {
    case "PgText":
      builder = column.enumValues ? text(name, { enum: column.enumValues as [string, ...string[]] }) : text(name);
      break;
    case "PgInteger":
    case "PgBigInt53":
      builder = integer(name);
      break;
    case "PgCustomColumn":
      if (column.getSQLType() !== "boolean") throw new Error(`${tableName}.${name}: no SQLite mapping for ${column.getSQLType()}`);
      builder = integer(name, { mode: "boolean" });
      break;
    default:
      throw new Error(`${tableName}.${name}: no SQLite mapping for ${columnType}`);
  }
  if (column.primary) builder = builder.primaryKey();
  if (column.notNull) builder = builder.notNull();
  if (column.hasDefault && column.default !== undefined) builder = builder.default(column.default as never);
  return builder;
}

const converted = new Map<PgTable, AnySqliteTable>();

function toSqlite(table: PgTable): AnySqliteTable {
  const existing = converted.get(table);
  if (existing) return existing;
  const config = getTableConfig(table);
  const columns = Object.fromEntries(
    Object.entries(getTableColumns(table)).map(([key, column]) => [key, sqliteColumn(config.name, column)]),
  );
  // Columns are matched by their database name, so the extra config can name them on the new table
  // (`t` there is the new table's column map; a foreign table is read with getTableColumns).
  const byName = (columnMap: Record<string, { name: string }>, c: { name: string }) => {
    const found = Object.values(columnMap).find((x) => x.name === c.name);
    if (!found) throw new Error(`${config.name}: no column ${c.name}`);
    return found;
  };
  const result: AnySqliteTable = sqliteTable(config.name, columns, (self) => {
    const t = self as Record<string, { name: string }>;
    return [
      ...config.primaryKeys.map((pk) => primaryKey({ name: pk.name, columns: pk.columns.map((c) => byName(t, c)) as [never, ...never[]] })),
      ...config.indexes.map((ix) => {
        const cols = ix.config.columns.map((c) => byName(t, c as { name: string })) as [never, ...never[]];
        return (ix.config.unique ? uniqueIndex(ix.config.name!) : index(ix.config.name!)).on(...cols);
      }),
      ...config.checks.map((c) => check(c.name, c.value)),
      ...config.foreignKeys.map((fk) => {
        const ref = fk.reference();
        const target: Record<string, { name: string }> =
          ref.foreignTable === table ? t : (getTableColumns(toSqlite(ref.foreignTable)) as Record<string, { name: string }>);
        return foreignKey({
          name: fk.getName(),
          columns: ref.columns.map((c) => byName(t, c)) as [never, ...never[]],
          foreignColumns: ref.foreignColumns.map((c) => byName(target, c)) as [never, ...never[]],
        });
      }),
    ];
  });
  converted.set(table, result);
  return result;
}

/** Every table of `schema.ts`, as SQLite tables, under the same export names. */
export const sqliteSchema: Record<string, AnySqliteTable> = Object.fromEntries(
  Object.entries(pg)
    .filter(([, value]) => value instanceof PgTable)
    .map(([key, value]) => [key, toSqlite(value as PgTable)]),
);

// Named exports for drizzle-kit, which reads tables from a module's exports.
export const {
  users,
  apiTokens,
  rateLimitCounters,
  webSessions,
  webNotices,
  organizations,
  cooperativeEvidence,
  verificationDecisions,
  sizeFacts,
  sizeFactReviews,
  githubLogins,
  memberships,
  invitations,
  auditLog,
  works,
  workPackages,
  workMaintainers,
  workLicenseHistory,
  workDisputes,
  workClaimEvents,
  webhookDeliveries,
  forkSightings,
  usages,
  feeSchedules,
  feeBands,
  exchangeRates,
  billingRuns,
  invoices,
  invoiceLines,
  invoiceNumberSequences,
  creditNotes,
  payments,
  refunds,
  overdueMails,
  ledgerTransactions,
  ledgerTransfers,
  grants,
  checks,
  booksLogHead,
  booksEntries,
  booksCheckpoints,
  invoiceLineNets,
  paymentAttributions,
  workCash,
  distributionPolicies,
  distributionBuckets,
  workSplits,
  distributionRuns,
  distributionAllocations,
  payeeProfiles,
  payoutBatches,
  payouts,
  statementNumberSequences,
  statements,
  assets,
  assetEvents,
  bondIssues,
  bondSubscriptions,
  bondScheduleRows,
  assetSurpluses,
  rentMonths,
  bondReceipts,
  rentIncome,
  bondDeferrals,
  assetSales,
  assetSaleReceipts,
} = sqliteSchema;
