// The invariants of the ledger itself: the append-only triggers are in place, every transfer is on an
// account of the chart and is a movement its code allows, and every ledger entry balances. The queries
// run on both engines: every derived table has an alias, and numbers are read through `toInt`
// (PostgreSQL returns sums and counts as strings).
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { engineOf } from "../db/handle.js";
import { queryRows, toInt } from "../db/sql.js";
import { accountKind, INVOICE_LEDGER_CODES, MOVEMENTS } from "./accounts.js";
import type { Invariant, Row } from "./invariant.js";

const n = (value: unknown) => String(toInt(value));

/** Tables whose rows are never updated or deleted; each has triggers refusing both (and TRUNCATE on PostgreSQL). */
export const APPEND_ONLY_TABLES = [
  "ledger_transactions",
  "ledger_transfers",
  "payments",
  "refunds",
  "credit_notes",
  "audit_log",
  "asset_events",
  "rent_months",
  "bond_receipts",
  "rent_income",
  "bond_deferrals",
  "asset_sales",
  "asset_sale_receipts",
] as const;

/** A raw query whose rows each describe one violation. */
export function rowsInvariant(name: string, query: SQL, describe: (row: Row) => string): Invariant {
  return { name, violations: async (db) => (await queryRows<Row>(db, query)).map(describe) };
}

interface TriggerRow {
  name: string;
  tableName: string;
  /** What the trigger does on each of the events it fires on, as the engine reports it. */
  events: string[];
  refuses: boolean;
}

async function installedTriggers(db: Db): Promise<TriggerRow[]> {
  if (engineOf(db) === "sqlite") {
    const rows = await queryRows<{ name: string; tbl_name: string; sql: string }>(
      db,
      sql`select name, tbl_name, sql from sqlite_master where type = 'trigger'`,
    );
    return rows.map((r) => ({
      name: r.name,
      tableName: r.tbl_name,
      events: [/\bBEFORE\s+UPDATE\b/i.test(r.sql) ? "update" : "", /\bBEFORE\s+DELETE\b/i.test(r.sql) ? "delete" : ""].filter(Boolean),
      refuses: /RAISE\s*\(\s*ABORT\b/i.test(r.sql),
    }));
  }
  // tgtype bits: 2 BEFORE, 4 INSERT, 8 DELETE, 16 UPDATE, 32 TRUNCATE. A disabled trigger ('D') does not count.
  const rows = await queryRows<{ name: string; table_name: string; tgtype: unknown; body: string }>(
    db,
    sql`select t.tgname as name, c.relname as table_name, t.tgtype, p.prosrc as body
        from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace s on s.oid = c.relnamespace join pg_proc p on p.oid = t.tgfoid
        where not t.tgisinternal and t.tgenabled <> 'D' and s.nspname = current_schema()`,
  );
  return rows.map((r) => {
    const type = toInt(r.tgtype);
    return {
      name: r.name,
      tableName: r.table_name,
      events: (type & 2) === 0 ? [] : [type & 16 ? "update" : "", type & 8 ? "delete" : "", type & 32 ? "truncate" : ""].filter(Boolean),
      refuses: /\braise\s+exception\b/i.test(r.body),
    };
  });
}

async function missingTriggers(db: Db): Promise<string[]> {
  const installed = await installedTriggers(db);
  const events = engineOf(db) === "postgres" ? ["update", "delete", "truncate"] : ["update", "delete"];
  const missing: string[] = [];
  for (const table of APPEND_ONLY_TABLES) {
    for (const event of events) {
      const found = installed.some((t) => t.tableName === table && t.refuses && t.events.includes(event));
      if (!found) missing.push(`no trigger refuses ${event.toUpperCase()} on ${table} (expected ${table}_no_${event})`);
    }
  }
  return missing;
}

async function accountsOffTheChart(db: Db): Promise<string[]> {
  const rows = await queryRows<{ account: string; n: unknown }>(
    db,
    sql`select account, count(*) as n from (select debit_account as account from ledger_transfers union all select credit_account from ledger_transfers) as sides group by account`,
  );
  const organizationIds = new Set((await queryRows<{ id: unknown }>(db, sql`select id from organizations`)).map((r) => toInt(r.id)));
  const found: string[] = [];
  for (const { account, n: count } of rows.sort((a, b) => (a.account < b.account ? -1 : 1))) {
    const kind = accountKind(account);
    if (!kind) found.push(`account ${JSON.stringify(account)} (${n(count)} transfers) is not on the chart of accounts`);
    else if (kind.organizationId !== null && !organizationIds.has(kind.organizationId))
      found.push(`account ${account} (${n(count)} transfers) names organization ${kind.organizationId}, which does not exist`);
  }
  return found;
}

/**
 * `column` matches `pattern`: a constant account, the prefix joined to the ledger entry's invoice's
 * organization, or (`{key}`) the prefix and any key.
 */
function accountMatches(column: SQL, pattern: string): SQL {
  if (pattern.endsWith("{key}")) return sql`${column} like ${`${pattern.slice(0, -"{key}".length)}%`}`;
  const prefix = pattern.endsWith("{organization}") ? pattern.slice(0, -"{organization}".length) : undefined;
  return prefix === undefined ? sql`${column} = ${pattern}` : sql`${column} = (${prefix} || cast(i.organization_id as text))`;
}

/** Only the codes of an invoice's life name an invoice; distribution entries have their own invariants. */
function invoiceCodes(): SQL {
  return sql`t.code in (${sql.join(
    INVOICE_LEDGER_CODES.map((c) => sql`${c}`),
    sql`, `,
  )})`;
}

function allowedMovements(): SQL {
  const cases = Object.entries(MOVEMENTS).flatMap(([code, movements]) =>
    movements.map(
      (m) =>
        sql`(t.code = ${code} and ${accountMatches(sql`x.debit_account`, m.debit)} and ${accountMatches(sql`x.credit_account`, m.credit)})`,
    ),
  );
  return sql.join(cases, sql` or `);
}

export const LEDGER_INVARIANTS: Invariant[] = [
  { name: "the append-only triggers are present", violations: missingTriggers },
  { name: "every transfer is on an account of the chart", violations: accountsOffTheChart },
  rowsInvariant(
    "every ledger entry names the invoice, and the payment or refund, it records",
    sql`select t.id, t.code from ledger_transactions t
        left join payments p on p.id = t.payment_id left join refunds r on r.id = t.refund_id
        where ${invoiceCodes()} and (t.invoice_id is null
           or (t.code = 'payment_received') <> (t.payment_id is not null) or (t.code = 'refund_paid') <> (t.refund_id is not null)
           or p.invoice_id <> t.invoice_id or r.invoice_id <> t.invoice_id)`,
    (r) => `ledger entry ${n(r.id)} (${String(r.code)}) does not name what it records`,
  ),
  {
    name: "every transfer is a movement its code allows",
    violations: async (db) =>
      (
        await queryRows<Row>(
          db,
          sql`select x.id, t.code, x.debit_account, x.credit_account from ledger_transfers x
              join ledger_transactions t on t.id = x.transaction_id left join invoices i on i.id = t.invoice_id
              where ${invoiceCodes()} and (i.id is null or not (${allowedMovements()})) order by x.id`,
        )
      ).map((r) => `transfer ${n(r.id)} (${String(r.code)}) debits ${String(r.debit_account)} and credits ${String(r.credit_account)}`),
  },
  rowsInvariant(
    "every transaction has transfers",
    sql`select t.id from ledger_transactions t where not exists (select 1 from ledger_transfers x where x.transaction_id = t.id)`,
    (r) => `transaction ${n(r.id)} has no transfers`,
  ),
  rowsInvariant(
    "every transaction balances (positive amounts between two accounts, one currency)",
    sql`select transaction_id as id from ledger_transfers group by transaction_id
        having min(amount_minor) <= 0 or count(distinct currency) > 1 or sum(case when debit_account = credit_account then 1 else 0 end) > 0`,
    (r) => `transaction ${n(r.id)} does not balance`,
  ),
  rowsInvariant(
    "no transfer is reversed twice",
    sql`select reverses_transfer_id as id, count(*) as n from ledger_transfers where reverses_transfer_id is not null group by reverses_transfer_id having count(*) > 1`,
    (r) => `transfer ${n(r.id)} is reversed ${n(r.n)} times`,
  ),
  rowsInvariant(
    "a reversal mirrors the transfer it reverses",
    sql`select r.id from ledger_transfers r left join ledger_transfers o on o.id = r.reverses_transfer_id where r.reverses_transfer_id is not null and (o.id is null
        or r.amount_minor <> o.amount_minor or r.currency <> o.currency or r.debit_account <> o.credit_account or r.credit_account <> o.debit_account)`,
    (r) => `transfer ${n(r.id)} does not mirror the transfer it reverses`,
  ),
];
