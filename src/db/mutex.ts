// A first-come, first-served async mutex: SQLite's one writer connection is held by one transaction
// at a time, however long that transaction awaits.
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Waits for the holders before it; resolves with the function that releases the lock. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return acquired;
  }
}
