import { networkInterfaces } from 'node:os';
import { useOPUS, useVP8, type RTCPeerConnectionConfig } from 'werift';

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
