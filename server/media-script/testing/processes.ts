/**
 * What a test can see of child processes from the outside (Linux /proc): whether a pid still
 * runs, and which ffmpeg processes this process has started and not yet reaped.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function isProcessAlive(pid: number): boolean {
  try {
    // A zombie (exited, not yet reaped) is not running.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of running ffmpeg processes whose parent is this process. */
export function ffmpegChildren(parentPid = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (name === 'ffmpeg' && Number(ppid) === parentPid && state !== 'Z')
        pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
