// What the commune owes each organization: the balance of its `payable:{organizationId}` account (credits
// from approved runs and returned payouts, debits from confirmed payouts), and how much of it is already
// in a payout the bank has not confirmed yet.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";

export interface Payable {
  organizationId: number;
  currency: string;
  /** The ledger balance of the organization's payable account. */
  balanceMinor: number;
  /** Of which in pending payouts. */
  pendingMinor: number;
}

export async function payables(db: Db, organizationId?: number): Promise<Payable[]> {
  const only = organizationId === undefined ? sql`` : sql` and account = ${`payable:${organizationId}`}`;
  const balances = await queryRows<{ account: string; currency: string; balance: unknown }>(
    db,
    sql`select account, currency, sum(amount) as balance from (
          select credit_account as account, currency, amount_minor as amount from ledger_transfers where credit_account like 'payable:%'
          union all select debit_account, currency, -amount_minor from ledger_transfers where debit_account like 'payable:%'
        ) as sides where 1 = 1${only} group by account, currency`,
  );
  const pendingOnly = organizationId === undefined ? sql`` : sql` and organization_id = ${organizationId}`;
  const pending = await queryRows<{ organization_id: unknown; currency: string; s: unknown }>(
    db,
    sql`select organization_id, currency, sum(amount_minor) as s from payouts where status = 'pending'${pendingOnly} group by organization_id, currency`,
  );
  const pendingOf = new Map(pending.map((p) => [`${toInt(p.organization_id)}\u0000${p.currency}`, toInt(p.s)]));
  return balances
    .map((b) => {
      const id = Number(b.account.slice("payable:".length));
      return {
        organizationId: id,
        currency: b.currency,
        balanceMinor: toInt(b.balance),
        pendingMinor: pendingOf.get(`${id}\u0000${b.currency}`) ?? 0,
      };
    })
    .sort((a, b) => a.organizationId - b.organizationId || (a.currency < b.currency ? -1 : 1));
}
