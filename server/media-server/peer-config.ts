import { networkInterfaces } from 'node:os';
import { useOPUS, useVP8, type RTCPeerConnection, type RTCPeerConnectionConfig } from 'werift';

/**
 * werift settings shared by both PeerConnections of a participant.
 * - No STUN/TURN: werift's default is a public STUN server, unreachable offline.
 * - max-bundle: werift's default max-compat opens one transport per m-line when it offers.
 * - Opus and VP8 only, on both sides: werift stamps the sender's first negotiated payload type
 *   on every forwarded packet, so publisher and subscriber must agree on one codec per kind.
 * - No header extensions: forwarded packets are stripped of the publisher's extensions, and
 *   Chrome demultiplexes werift's streams by the SSRCs in the offer.
 */
export function peerConnectionConfig(loopbackOnly: boolean): RTCPeerConnectionConfig {
  return {
    iceServers: [],
    bundlePolicy: 'max-bundle',
    codecs: { audio: [useOPUS()], video: [useVP8()] },
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    // In a loopback-only network namespace (CI sandboxes) ICE never starts unless the socket
    // is bound to 127.0.0.1 explicitly (see TOOLCHAIN.md, werift section).
    ...(loopbackOnly ? { iceInterfaceAddresses: { udp4: '127.0.0.1' } } : {}),
  };
}

/** True when the host has no IPv4 interface except loopback. */
export function hostIsLoopbackOnly(): boolean {
  return !Object.values(networkInterfaces()).some((addresses) =>
    (addresses ?? []).some((address) => address.family === 'IPv4' && !address.internal),
  );
}

const UNSETTLED = new Set(['new', 'connecting']);

/**
 * Resolves once a PeerConnection that has started connecting is connected, failed or closed
 * (or after `timeoutMs`). werift starts ICE/DTLS/SCTP again for every description that
 * completes a negotiation; applying one while the previous start is still running makes DTLS
 * throw and can leave the SCTP association (the data channels) never established. So
 * renegotiations wait for the first connection attempt to settle.
 */
export async function whenConnectionSettled(
  pc: RTCPeerConnection,
  timeoutMs: number,
): Promise<void> {
  if (!pc.remoteDescription || !UNSETTLED.has(pc.connectionState)) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
      if (!UNSETTLED.has(state)) done();
    });
    function done(): void {
      clearTimeout(timer);
      unSubscribe();
      resolve();
    }
  });
}
