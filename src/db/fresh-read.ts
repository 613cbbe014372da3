// One read shared by every caller that may share it, without ever handing a caller an answer older than its
// own call: a caller that arrives while a read is pending cannot use it (the read started before the caller
// arrived, so it may miss a commit the caller already saw), so it waits for the next read, which starts as
// soon as the pending one settles and serves every caller that arrived in between. Under load a database is
// asked once per round trip instead of once per request; alone, a caller waits for exactly one read.

/** A shared read: called, a read begun after the call; `joinPending`, any read that settles after the call. */
export interface FreshRead<T> {
  (): Promise<T>;
  /**
   * The pending read when there is one, else a new one: an answer the database gave after the call, though
   * possibly to a read sent before it — enough to show the database answers (the health check), not for a cache.
   */
  joinPending: () => Promise<T>;
}

/** `read` asked on every call (a read that costs no round trip): every call is fresh. */
export function eachTime<T>(read: () => Promise<T>): FreshRead<T> {
  return Object.assign(() => read(), { joinPending: () => read() });
}

/**
 * A synchronous `read` (SQLite's data version: no round trip, but a read transaction, ~25 µs inside a busy
 * server) made at most once per event-loop turn: the turn's first caller schedules it with `setImmediate`,
 * which runs once the poll phase has handled every request that arrived with that one; the callers until then
 * share it. It begins after each of them called, so every caller is fresh. A failed read fails them all.
 */
export function oncePerTurn<T>(read: () => T): FreshRead<T> {
  let scheduled: Promise<T> | undefined;
  const fresh = () =>
    (scheduled ??= new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        scheduled = undefined;
        try {
          resolve(read());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    }));
  return Object.assign(fresh, { joinPending: fresh });
}

/** `read`, shared among concurrent callers as above; a failed read fails the callers that shared it. */
export function freshRead<T>(read: () => Promise<T>): FreshRead<T> {
  let pending: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const started = Promise.resolve().then(read);
    pending = started;
    const settle = () => {
      if (pending === started) pending = undefined;
    };
    started.then(settle, settle);
    return started;
  };
  const fresh = () => {
    if (!pending) return start();
    next ??= pending
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
  return Object.assign(fresh, { joinPending: () => pending ?? start() });
}
