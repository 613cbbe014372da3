// Lockfiles and SBOMs are read in a pool of child processes (parse-child.ts), so a large file never blocks the
// event loop: the server only matches the result against the database. A child process, not a worker thread:
// what reading a large file took is returned to the operating system when the child exits, where a stopped
// thread's heap stayed resident in the server (20–30 MB after one check); and a hostile file can at worst
// crash its child. The pool starts a child on the first check, so the CLI and processes that never check pay
// nothing for it; a child reads one file at a time, is kept while files keep coming (a CI job's lockfiles) and
// exits after PARSE_WORKER_IDLE_MS idle. Each read is held to a time limit that runs from when a child is handed
// the file (a child past it is killed), and the queue is bounded.
import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism, getPriority, setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import { AppError, type ErrorCode } from "../shared/errors.js";
import { CheckLimitError, checksBusy, isCheckLimitCode, PARSE_TIMEOUT_MS, parseTimeout, QUEUE_TIMEOUT_MS } from "./check-limits.js";
import type { PackedRead, ReadOutcome, ReadTask } from "./readers/read-for-check.js";

const CHILD = fileURLToPath(new URL("./parse-child.ts", import.meta.url));

const settings = { timeoutMs: PARSE_TIMEOUT_MS, queueTimeoutMs: QUEUE_TIMEOUT_MS };

/** Change the time limits (tests); returns the previous ones. */
export function configureParsing(next: Partial<typeof settings>): typeof settings {
  const previous = { ...settings };
  Object.assign(settings, next);
  return previous;
}

/** How long an idle parse process is kept before it is stopped. */
export const PARSE_WORKER_IDLE_MS = 2_000;

/** Children at most: one core is left to the server. */
export const poolSize = () => Math.max(1, availableParallelism() - 1);
/** Files waiting for a child; beyond this a check is refused as busy. */
const maxQueue = () => Math.max(16, poolSize() * 8);

type Reply = { ready: true } | { outcome: ReadOutcome } | { failed: string };

interface Job {
  task: ReadTask;
  queueTimer?: NodeJS.Timeout;
  settle(result: { outcome: ReadOutcome } | { error: Error }): void;
}

interface Child {
  process: ChildProcess;
  ready: boolean;
  job: Job | null;
  /** The running job's time limit, or the idle timeout. */
  timer?: NodeJS.Timeout;
  /** Why the pool killed it (the job's answer). */
  stoppedFor?: Error;
}

const children = new Set<Child>();
const queue: Job[] = [];

/** An idle child does not keep the server's (or a test's) event loop alive; a busy one does. */
function hold(child: Child, busy: boolean): void {
  const channel = child.process.channel as { ref(): void; unref(): void } | undefined;
  if (busy) {
    child.process.ref();
    channel?.ref();
  } else {
    child.process.unref();
    channel?.unref();
  }
}

function spawnChild(): Child {
  const proc = fork(CHILD, [], {
    // None of the server's flags or loaders: the child needs Node's type stripping only.
    execArgv: ["--disable-warning=ExperimentalWarning"],
    serialization: "advanced",
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const child: Child = { process: proc, ready: false, job: null };
  children.add(child);
  // Reading is background work: the child runs at a lower priority than the server, so requests are answered
  // first when the CPUs are busy.
  try {
    if (proc.pid !== undefined) setPriority(proc.pid, Math.min(19, getPriority() + 10));
  } catch {
    // Not permitted here: the child runs at the server's priority.
  }
  proc.on("message", (reply: Reply) => onReply(child, reply));
  proc.once("exit", () => onExit(child));
  proc.once("error", (error) => {
    child.stoppedFor ??= error;
    onExit(child);
  });
  return child;
}

function onReply(child: Child, reply: Reply): void {
  if ("ready" in reply) child.ready = true;
  else {
    const job = child.job;
    child.job = null;
    clearTimeout(child.timer);
    job?.settle("outcome" in reply ? { outcome: reply.outcome } : { error: new Error(`reading the file failed: ${reply.failed}`) });
  }
  dispatch();
  if (child.ready && child.job === null) idle(child);
}

function onExit(child: Child): void {
  if (!children.delete(child)) return;
  clearTimeout(child.timer);
  const job = child.job;
  child.job = null;
  job?.settle({ error: child.stoppedFor ?? new Error("the parse process exited while reading the file") });
  dispatch();
}

function idle(child: Child): void {
  hold(child, false);
  clearTimeout(child.timer);
  child.timer = setTimeout(() => {
    children.delete(child);
    child.process.disconnect();
  }, PARSE_WORKER_IDLE_MS);
  child.timer.unref();
}

function start(child: Child, job: Job): void {
  clearTimeout(job.queueTimer);
  clearTimeout(child.timer);
  child.job = job;
  hold(child, true);
  const timeoutMs = settings.timeoutMs;
  child.timer = setTimeout(() => {
    child.stoppedFor = parseTimeout(timeoutMs);
    child.process.kill("SIGKILL");
  }, timeoutMs);
  child.process.send(job.task, (error) => {
    if (error && child.job === job) {
      child.stoppedFor = error;
      child.process.kill("SIGKILL");
    }
  });
}

/** Hands queued files to idle children, starting children (up to the pool's size) for files still waiting. */
function dispatch(): void {
  while (queue.length > 0) {
    const free = [...children].find((c) => c.ready && c.job === null && c.process.connected);
    if (free) {
      start(free, queue.shift()!);
      continue;
    }
    const starting = [...children].filter((c) => !c.ready).length;
    if (children.size >= poolSize() || starting >= queue.length) return;
    spawnChild();
  }
}

/** Stop the pool's children and refuse the files waiting (a test's teardown, a server's shutdown). */
export async function closeParsePool(): Promise<void> {
  for (const job of queue.splice(0)) {
    clearTimeout(job.queueTimer);
    job.settle({ error: checksBusy("the server is stopping") });
  }
  const exits = [...children].map((child) => {
    child.stoppedFor = checksBusy("the server is stopping");
    const exited = new Promise((resolve) => child.process.once("exit", resolve));
    child.process.kill("SIGKILL");
    return exited;
  });
  await Promise.all(exits);
}

function readInChild(task: ReadTask): Promise<ReadOutcome> {
  return new Promise<ReadOutcome>((resolve, reject) => {
    const job: Job = { task, settle: (result) => ("outcome" in result ? resolve(result.outcome) : reject(result.error)) };
    job.queueTimer = setTimeout(() => {
      const at = queue.indexOf(job);
      if (at < 0) return;
      queue.splice(at, 1);
      reject(checksBusy("no worker became free in time"));
    }, settings.queueTimeoutMs);
    queue.push(job);
    dispatch();
  });
}

/** Read a lockfile or SBOM in a parse process: the packed components, or the reader's AppError. */
export async function readInWorker(body: Buffer): Promise<PackedRead> {
  if (queue.length >= maxQueue()) throw checksBusy("the queue is full");
  // Serialized when it is sent: the request's buffer is not copied before.
  const outcome = await readInChild({ body });
  if (outcome.ok) return outcome.read;
  const { code, message, errors } = outcome.error;
  if (isCheckLimitCode(code)) throw new CheckLimitError(code, message);
  throw new AppError(code as ErrorCode, message, { errors });
}
