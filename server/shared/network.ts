/**
 * Facts about this host's network that media code needs outside the embedded media server
 * (which keeps its own copy, so that folder stays self-contained).
 */
import { networkInterfaces } from 'node:os';

/** True when the host has no IPv4 address but loopback (a sandbox): ICE must use 127.0.0.1. */
export function hostIsLoopbackOnly(): boolean {
  return !Object.values(networkInterfaces()).some((addresses) =>
    (addresses ?? []).some((address) => address.family === 'IPv4' && !address.internal),
  );
}
