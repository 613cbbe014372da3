// Lockfiles and SBOMs are read in a pool of worker threads, so a large file never blocks the event loop:
// the main thread only matches the result against the database. The pool starts on the first check, so
// the CLI and processes that never check pay nothing for it. Each read is held to a time limit that
// runs from when a worker starts on it (a worker past it is terminated), and the queue is bounded.
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { AppError, type ErrorCode } from "../shared/errors.js";
import { CheckLimitError, checksBusy, isCheckLimitCode, PARSE_TIMEOUT_MS, parseTimeout, QUEUE_TIMEOUT_MS } from "./check-limits.js";
import type { PackedRead, ReadOutcome, ReadTask } from "./readers/read-for-check.js";

const WORKER = new URL("./parse-worker.ts", import.meta.url).href;

const settings = { timeoutMs: PARSE_TIMEOUT_MS, queueTimeoutMs: QUEUE_TIMEOUT_MS };

/** Change the time limits (tests); returns the previous ones. */
export function configureParsing(next: Partial<typeof settings>): typeof settings {
  const previous = { ...settings };
  Object.assign(settings, next);
  return previous;
}

/** How long an idle parse worker is kept before it is stopped. */
export const PARSE_WORKER_IDLE_MS = 2_000;

let pool: Piscina<ReadTask, ReadOutcome> | null = null;

export const poolSize = () => Math.max(1, availableParallelism() - 1);

function thePool(): Piscina<ReadTask, ReadOutcome> {
  if (!pool) {
    const threads = poolSize();
    pool = new Piscina<ReadTask, ReadOutcome>({
      filename: WORKER,
      minThreads: 0,
      maxThreads: threads,
      // A worker loads tsx and the readers once (some hundreds of ms): it is kept for files that follow at once
      // (a CI job's lockfiles), then stopped, giving back its heap (tens of MB after a large lockfile).
      idleTimeout: PARSE_WORKER_IDLE_MS,
      // Files waiting for a worker; beyond this a check is refused as busy.
      maxQueue: Math.max(16, threads * 8),
      name: "default",
      // Reading is background work: on Linux the workers run at a lower priority than the event loop,
      // so requests are answered first when the CPUs are busy (@napi-rs/nice, piscina's optional dependency).
      niceIncrement: 10,
    });
  }
  return pool;
}

/** Stop the pool's workers (a test's teardown, a server's shutdown). The next check starts it again. */
export async function closeParsePool(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close({ force: true });
}

/** Read a lockfile or SBOM in a worker thread: the packed components, or the reader's AppError. */
export async function readInWorker(body: Buffer): Promise<PackedRead> {
  const p = thePool();
  if (p.queueSize >= p.options.maxQueue) throw checksBusy("the queue is full");
  // A copy of its own, moved to the worker: the request's buffer may share memory with others.
  const copy = new Uint8Array(body);
  const started = new SharedArrayBuffer(8);
  const startedAt = new Float64Array(started);
  const controller = new AbortController();
  const queuedAt = Date.now();
  const { timeoutMs, queueTimeoutMs } = settings;
  const stopped: { refusal?: CheckLimitError } = {};
  let timer: NodeJS.Timeout | undefined;
  const watch = () => {
    const now = Date.now();
    const began = startedAt[0]!;
    if (began === 0) {
      if (now - queuedAt >= queueTimeoutMs) {
        stopped.refusal = checksBusy("no worker became free in time");
        controller.abort(stopped.refusal);
      } else timer = setTimeout(watch, Math.min(50, timeoutMs));
    } else if (now - began >= timeoutMs) {
      stopped.refusal = parseTimeout(timeoutMs);
      controller.abort(stopped.refusal);
    } else timer = setTimeout(watch, timeoutMs - (now - began));
  };
  timer = setTimeout(watch, Math.min(50, timeoutMs));
  let outcome: ReadOutcome;
  try {
    outcome = await p.run({ body: copy, started }, { signal: controller.signal, transferList: [copy.buffer] });
  } catch (err) {
    if (stopped.refusal) throw stopped.refusal;
    if (err instanceof Error && err.message === "Task queue is at limit") throw checksBusy("the queue is full");
    throw err;
  } finally {
    clearTimeout(timer);
  }
  if (outcome.ok) return outcome.read;
  const { code, message, errors } = outcome.error;
  if (isCheckLimitCode(code)) throw new CheckLimitError(code, message);
  throw new AppError(code as ErrorCode, message, { errors });
}
