// The idle collector: collects only an idle server whose heap grew, and its collection really gives the heap back.
import { afterEach, describe, expect, it, vi } from "vitest";
import { lookAtHeap, processHeap, startIdleCollector, type HeapProbe, type IdleCollectorSettings } from "../../src/idle-collector.js";

const MB = 1024 * 1024;
const settings: IdleCollectorSettings = { intervalMs: 1_000, growthBytes: 8 * MB, idleUtilization: 0.05 };

/** A heap whose size and event-loop utilization the test sets; a collection shrinks it to `afterCollect`. */
function fakeHeap(start: { heap: number; utilization: number; afterCollect: number }) {
  const state = { ...start, collections: 0 };
  const probe: HeapProbe = {
    heapBytes: () => state.heap,
    utilization: () => state.utilization,
    collect: () => {
      state.collections++;
      state.heap = state.afterCollect;
    },
  };
  return { state, probe };
}

describe("one look at the heap", () => {
  it("collects an idle server whose heap grew by the threshold, and takes the collected heap as the new baseline", () => {
    const { state, probe } = fakeHeap({ heap: 70 * MB, utilization: 0.01, afterCollect: 45 * MB });
    expect(lookAtHeap(probe, 60 * MB, settings)).toEqual({ baseline: 45 * MB, collected: true });
    expect(state.collections).toBe(1);
  });

  it("leaves a busy server alone however much its heap grew", () => {
    const { state, probe } = fakeHeap({ heap: 200 * MB, utilization: 0.4, afterCollect: 45 * MB });
    expect(lookAtHeap(probe, 45 * MB, settings)).toEqual({ baseline: 45 * MB, collected: false });
    expect(state.collections).toBe(0);
  });

  it("leaves an idle server alone when its heap grew less than the threshold", () => {
    const { state, probe } = fakeHeap({ heap: 52 * MB, utilization: 0, afterCollect: 45 * MB });
    expect(lookAtHeap(probe, 45 * MB, settings)).toEqual({ baseline: 45 * MB, collected: false });
    expect(state.collections).toBe(0);
  });

  it("lowers the baseline when V8 shrank the heap itself", () => {
    const { probe } = fakeHeap({ heap: 40 * MB, utilization: 0.5, afterCollect: 40 * MB });
    expect(lookAtHeap(probe, 58 * MB, settings)).toEqual({ baseline: 40 * MB, collected: false });
  });
});

describe("the collector's timer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("collects once after a busy interval turned idle, not again until the heap grows anew", () => {
    vi.useFakeTimers();
    const { state, probe } = fakeHeap({ heap: 45 * MB, utilization: 0, afterCollect: 46 * MB });
    const collected: [number, number][] = [];
    const stop = startIdleCollector(settings, probe, (before, after) => collected.push([before, after]));
    // A batch job: the heap grows while the server is busy.
    state.heap = 80 * MB;
    state.utilization = 1;
    vi.advanceTimersByTime(2 * settings.intervalMs);
    expect(state.collections).toBe(0);
    // The job is over.
    state.utilization = 0.001;
    vi.advanceTimersByTime(settings.intervalMs);
    expect(collected).toEqual([[80 * MB, 46 * MB]]);
    vi.advanceTimersByTime(10 * settings.intervalMs);
    expect(state.collections).toBe(1);
    stop();
    state.heap = 200 * MB;
    vi.advanceTimersByTime(10 * settings.intervalMs);
    expect(state.collections).toBe(1);
  });
});

describe("the process's heap", () => {
  it("gives back a fragmented heap once collected, without exposing gc to the application", () => {
    const heap = processHeap();
    heap.collect();
    const before = heap.heapBytes();
    // A batch job's heap: mostly garbage, with survivors on every page (a plain full collection keeps ~80 % of it).
    const survivors: object[] = [];
    let garbage: object[] | undefined = [];
    for (let i = 0; i < 500_000; i++) (i % 50 === 0 ? survivors : garbage).push({ i, text: String(i) });
    const grown = heap.heapBytes();
    expect(grown - before).toBeGreaterThan(30 * MB);
    garbage = undefined;
    heap.collect();
    expect(grown - heap.heapBytes()).toBeGreaterThan(0.7 * (grown - before));
    expect(survivors).toHaveLength(10_000);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
