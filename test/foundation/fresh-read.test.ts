// A shared read never answers a caller with a read that started before the caller arrived: PostgreSQL's round
// trip shared while pending (`freshRead`), SQLite's statement made once per event-loop turn (`oncePerTurn`).
import { describe, expect, it } from "vitest";
import { freshRead, oncePerTurn } from "../../src/db/fresh-read.js";

/** A read that answers the number of commits it saw when it started, after `release()`. */
function gatedSource() {
  let commits = 0;
  let starts = 0;
  const waiting: (() => void)[] = [];
  const read = () => {
    starts += 1;
    const seen = commits;
    return new Promise<number>((resolve) => waiting.push(() => resolve(seen)));
  };
  return {
    read,
    commit: () => (commits += 1),
    commits: () => commits,
    starts: () => starts,
    /** Answers the oldest pending read, if any, and lets the callers' continuations run. */
    release: async () => {
      for (let i = 0; i < 10; i += 1) await Promise.resolve();
      waiting.shift()?.();
      for (let i = 0; i < 10; i += 1) await Promise.resolve();
    },
  };
}

describe("freshRead", () => {
  it("a lone caller waits for exactly one read", async () => {
    const source = gatedSource();
    const version = freshRead(source.read);
    const answer = version();
    await source.release();
    expect(await answer).toBe(0);
    expect(source.starts()).toBe(1);
  });

  it("callers that arrive while a read is pending share the next read, which sees what they saw", async () => {
    const source = gatedSource();
    const version = freshRead(source.read);
    const first = version();
    await Promise.resolve();
    // A commit lands after the first read started; the callers below arrive after it.
    source.commit();
    const later = [version(), version(), version()];
    await source.release();
    expect(await first).toBe(0);
    await source.release();
    for (const answer of later) expect(await answer).toBe(1);
    // Four callers, two reads.
    expect(source.starts()).toBe(2);
  });

  it("every caller's answer is at least what had committed when it called, under interleaving", async () => {
    const source = gatedSource();
    const version = freshRead(source.read);
    const calls: { atCall: number; answer: Promise<number> }[] = [];
    for (let round = 0; round < 20; round += 1) {
      // Reads start a few microtasks after their call: let those that were asked for start.
      for (let i = 0; i < 5; i += 1) await Promise.resolve();
      if (round % 3 === 1) source.commit();
      for (let i = 0; i < (round % 4) + 1; i += 1) calls.push({ atCall: source.commits(), answer: version() });
      if (round % 2 === 0) await source.release();
    }
    for (let i = 0; i < 40; i += 1) await source.release();
    for (const call of calls) expect(await call.answer).toBeGreaterThanOrEqual(call.atCall);
    expect(source.starts()).toBeLessThan(calls.length);
  });

  it("a failed read fails the callers that shared it; the next call reads again", async () => {
    let fail = true;
    const version = freshRead(async () => {
      if (fail) throw new Error("connection lost");
      return "v2";
    });
    await expect(version()).rejects.toThrow("connection lost");
    fail = false;
    expect(await version()).toBe("v2");
  });
});

describe("joinPending, for a health check", () => {
  it("answers with the read pending when it was called, starting none; alone, it starts one", async () => {
    const source = gatedSource();
    const version = freshRead(source.read);
    const cached = version();
    await Promise.resolve();
    source.commit();
    const health = version.joinPending();
    await source.release();
    // The pending read's answer, given after the call (it saw no commit made after it started).
    expect(await health).toBe(0);
    expect(await cached).toBe(0);
    expect(source.starts()).toBe(1);
    const alone = version.joinPending();
    await source.release();
    expect(await alone).toBe(1);
    expect(source.starts()).toBe(2);
  });

  it("leaves fresh callers their own next read", async () => {
    const source = gatedSource();
    const version = freshRead(source.read);
    const health = version.joinPending();
    await Promise.resolve();
    source.commit();
    const fresh = version();
    await source.release();
    expect(await health).toBe(0);
    await source.release();
    expect(await fresh).toBe(1);
    expect(source.starts()).toBe(2);
  });
});

describe("oncePerTurn", () => {
  /** A synchronous read that answers the commits it saw, counting its starts. */
  function syncSource() {
    let commits = 0;
    let starts = 0;
    return { read: () => ((starts += 1), commits), commit: () => (commits += 1), starts: () => starts };
  }

  it("callers of one event-loop turn share one read, which begins after the last of them called", async () => {
    const source = syncSource();
    const version = oncePerTurn(source.read);
    const first = version();
    source.commit();
    const second = version();
    source.commit();
    const third = version.joinPending();
    expect(source.starts()).toBe(0);
    expect(await Promise.all([first, second, third])).toEqual([2, 2, 2]);
    expect(source.starts()).toBe(1);
  });

  it("a caller of a later turn gets a read of its own, which sees what it saw", async () => {
    const source = syncSource();
    const version = oncePerTurn(source.read);
    expect(await version()).toBe(0);
    source.commit();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await version()).toBe(1);
    expect(source.starts()).toBe(2);
  });

  it("a caller resuming right after a read (a microtask later) gets a new read, not the settled one", async () => {
    const source = syncSource();
    const version = oncePerTurn(source.read);
    expect(await version()).toBe(0);
    source.commit();
    expect(await version()).toBe(1);
    expect(source.starts()).toBe(2);
  });

  it("a failed read fails the turn's callers; the next turn reads again", async () => {
    let fail = true;
    const version = oncePerTurn(() => {
      if (fail) throw new Error("database is locked");
      return "v";
    });
    const callers = [version(), version()];
    for (const caller of callers) await expect(caller).rejects.toThrow("database is locked");
    fail = false;
    expect(await version()).toBe("v");
  });
});
