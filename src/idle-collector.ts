// The idle collector: the server gives back the heap a batch job grew, once it is idle. V8 shrinks its heap with
// its memory reducer, which starts a memory-reducing collection only when it sees a low allocation rate — and it
// updates that rate at collections. A server that goes idle right after a billing run collects nothing more, so the
// reducer keeps seeing the run's rate and waits, 8 s at a time, forever (measured with --trace-memory-reducer: "high
// alloc" for 60 s and counting), leaving 40 MB of the run's heap resident. The idle collector looks every few seconds:
// when the heap has grown by `growthBytes` since it last looked at an idle server and the event loop was idle over the
// whole interval, it runs one memory-reducing collection (V8's "last resort": compacts, returns pooled pages) —
// ~100 ms, while no request is waiting. Busy servers are never collected by it; an idle one that did not grow neither.
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { performance, type EventLoopUtilization } from "node:perf_hooks";

export interface IdleCollectorSettings {
  /** How often the collector looks. */
  intervalMs: number;
  /** How much the heap must have grown since the last idle look before it is collected. */
  growthBytes: number;
  /** Event-loop utilization (0–1) over an interval below which the server counts as idle. */
  idleUtilization: number;
}

export const IDLE_COLLECTOR: IdleCollectorSettings = { intervalMs: 5_000, growthBytes: 8 * 1024 * 1024, idleUtilization: 0.05 };

/** What the collector reads and does; the process's own V8 heap unless a test passes another. */
export interface HeapProbe {
  /** The heap's committed size in bytes. */
  heapBytes(): number;
  /** Event-loop utilization since the previous call (0–1). */
  utilization(): number;
  /** One memory-reducing full collection. */
  collect(): void;
}

type GcFunction = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

/** V8's `gc` function without exposing it to the application's own context: it lives in a context of its own. */
function memoryReducingGc(): GcFunction {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as GcFunction;
  setFlagsFromString("--no-expose-gc");
  return gc;
}

export function processHeap(): HeapProbe {
  let gc: GcFunction | undefined;
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return {
    heapBytes: () => getHeapStatistics().total_heap_size,
    utilization: () => {
      const delta = performance.eventLoopUtilization(last);
      last = performance.eventLoopUtilization();
      return delta.utilization;
    },
    collect: () => (gc ??= memoryReducingGc())({ type: "major", execution: "sync", flavor: "last-resort" }),
  };
}

/**
 * One look: collects when the server was idle over the interval and the heap grew past the baseline. Returns the
 * next baseline: the heap after a collection, the lower of baseline and heap otherwise (a heap V8 shrank itself
 * lowers the bar; one that grows while busy is judged once idle).
 */
export function lookAtHeap(probe: HeapProbe, baseline: number, settings: IdleCollectorSettings): { baseline: number; collected: boolean } {
  const idle = probe.utilization() < settings.idleUtilization;
  const heap = probe.heapBytes();
  if (idle && heap - baseline >= settings.growthBytes) {
    probe.collect();
    return { baseline: probe.heapBytes(), collected: true };
  }
  return { baseline: Math.min(baseline, heap), collected: false };
}

/** Starts looking on an unreferenced timer; returns the function that stops it. */
export function startIdleCollector(
  settings: IdleCollectorSettings = IDLE_COLLECTOR,
  probe: HeapProbe = processHeap(),
  onCollect: (before: number, after: number) => void = () => {},
): () => void {
  let baseline = probe.heapBytes();
  probe.utilization();
  const timer = setInterval(() => {
    const before = probe.heapBytes();
    const look = lookAtHeap(probe, baseline, settings);
    baseline = look.baseline;
    if (look.collected) onCollect(before, baseline);
  }, settings.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
