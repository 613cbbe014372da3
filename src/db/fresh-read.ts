// One read shared by every caller that may share it, without ever handing a caller an answer older than its
// own call: a caller that arrives while a read is pending cannot use it (the read started before the caller
// arrived, so it may miss a commit the caller already saw), so it waits for the next read, which starts as
// soon as the pending one settles and serves every caller that arrived in between. Under load a database is
// asked once per round trip instead of once per request; alone, a caller waits for exactly one read.

/** `read`, shared among concurrent callers as above; a failed read fails the callers that shared it. */
export function freshRead<T>(read: () => Promise<T>): () => Promise<T> {
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
  return () => {
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
}
