// Which process runs a billing run, so that the next run of the month can tell a run still going from
// one whose process died (SIGKILL, a crash, a power cut) and mark it crashed. A run records its owner:
// the host, the process id and the process's start time. On the same host a dead process id proves the
// crash; another host's runs are left as they are (they may be running).
import { hostname } from "node:os";

const processStartedMs = Math.round(Date.now() - process.uptime() * 1000);
const active = new Set<number>();

export function currentOwner(): string {
  return `${hostname()}|${process.pid}|${processStartedMs}`;
}

export function markActive(runId: number, running: boolean): void {
  if (running) active.add(runId);
  else active.delete(runId);
}

/** Whether the run's process is known to be gone: then the run crashed. */
export function ownerGone(runId: number, owner: string | null): boolean {
  if (owner === null) return false;
  const [host, pid, started] = owner.split("|");
  if (host !== hostname()) return false;
  // This process: the run is going on exactly when it is in this process's set.
  if (Number(pid) === process.pid && Number(started) === processStartedMs) return !active.has(runId);
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    // ESRCH: no such process. EPERM: it exists (another user's): not known to be gone.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
