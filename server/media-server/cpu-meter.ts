import type { MediaServer } from './media-server.ts';

export interface ForwardingCpuSample {
  /** CPU time of this process over the interval, as a fraction of one core (1 = 100 %). */
  coreFraction: number;
  forwardedStreams: number;
  /** Percent of one core per forwarded publisher→subscriber stream. */
  percentPerStream: number;
}

/**
 * Measures this process's CPU (user + system) over `intervalMs` while the media server
 * forwards its current streams. Run the server in the measuring process and keep other work
 * out of the interval: everything the process does is counted.
 */
export async function measureForwardingCpu(
  server: MediaServer,
  intervalMs: number,
): Promise<ForwardingCpuSample> {
  const start = process.cpuUsage();
  const startedAt = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
  const used = process.cpuUsage(start);
  const elapsedMicros = Number(process.hrtime.bigint() - startedAt) / 1_000;
  const coreFraction = (used.user + used.system) / elapsedMicros;
  const { forwardedStreams } = server.stats();
  return {
    coreFraction,
    forwardedStreams,
    percentPerStream: forwardedStreams > 0 ? (coreFraction * 100) / forwardedStreams : 0,
  };
}
