/**
 * CPU time of this process by OS thread name (Linux `/proc/self/task`), so a bench can say
 * where its server's CPU went: the main thread (routing, sockets, HTTP), the embedded database's
 * and media server's worker threads, V8's helpers (GC). Empty where /proc is not there.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ): 100 on every Linux Node supports. */
const TICKS_PER_SECOND = 100;

/** Microseconds of CPU (user + system) per thread name, summed over threads of that name. */
export function cpuByThread(): Record<string, number> {
  const byName: Record<string, number> = {};
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return byName;
  }
  for (const task of tasks) {
    try {
      const name = readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim();
      // Fields after the parenthesised name: state is the first, utime the 12th, stime the 13th.
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      byName[name] = (byName[name] ?? 0) + (ticks * 1_000_000) / TICKS_PER_SECOND;
    } catch {
      // The thread ended between listing and reading: its time is gone with it.
    }
  }
  return byName;
}
