// Plain code run while a statement is on its way: a PostgreSQL statement is sent when it is called and the
// server works on it while this process goes on, so work that does not need its result (log entries' text
// and hashes, for rows being inserted) is done in the meantime instead of after it. On SQLite the statement
// has already run when the call returns; the work then simply follows it.

/**
 * The statement's result and `work`'s, which runs once the statement is sent. Both settle before this
 * returns or throws (the statement's failure first), so a transaction never moves on with one in flight.
 */
export async function meanwhile<T, U>(statement: Promise<T>, work: () => U): Promise<[T, U]> {
  const [done, made] = await Promise.allSettled([statement, Promise.resolve().then(work)]);
  if (done.status === "rejected") throw done.reason;
  if (made.status === "rejected") throw made.reason;
  return [done.value, made.value];
}
