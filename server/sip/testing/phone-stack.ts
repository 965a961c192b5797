/**
 * Everything a phone call needs, real and on free loopback ports: a private redis-server,
 * livekit-server in Redis mode, LiveKit SIP on the same Redis, and a call-control test server
 * pointed at them (LIVEKIT_URL, LIVEKIT_SIP_URI), whose webhooks come back from livekit-server.
 * Phones (tools/softphone, SIPp) call `stack.sipAddress`.
 *
 *   const stack = await startPhoneStack({ ringTimeoutSeconds: 10 });
 *   await stack.server.app.services.sip!.provisioning.ready;   // trunks and dispatch rule exist
 *   const phone = await Softphone.open({ number: '+14155550123' });
 *   await phone.dial(stack.sipAddress, '+14155550100');
 *   await stack.stop();                                       // every process, also after a failure
 *
 * `phoneStackUnavailable()` says why a machine cannot run one (no Go to build the binaries, no
 * redis-server, no cgo libraries), for a visible skip.
 */
import type { Config } from '../../config.ts';
import { startTestServer, type TestServer } from '../../test/harness.ts';
import {
  livekitServerUnavailable,
  startLivekitServer,
  type LivekitServer,
} from '../../../tools/livekit/livekit-server.ts';
import {
  livekitSipUnavailable,
  startLivekitSip,
  type LivekitSip,
} from '../../../tools/livekit-sip/livekit-sip.ts';
import { freeTcpPort } from '../../../tools/ports.ts';
import {
  redisServerUnavailable,
  startRedisServer,
  type RedisServer,
} from '../../../tools/redis/redis-server.ts';

export interface PhoneStack {
  server: TestServer;
  livekit: LivekitServer;
  sip: LivekitSip;
  redis: RedisServer;
  /** "127.0.0.1:<port>": where phones send INVITEs. */
  sipAddress: string;
  stop(): Promise<void>;
}

export function phoneStackUnavailable(): string | undefined {
  return redisServerUnavailable() ?? livekitServerUnavailable() ?? livekitSipUnavailable();
}

export interface PhoneStackOptions {
  /** LiveKit SIP ends a call whose phone sends no RTP for this long (default 15 s). */
  mediaTimeoutSeconds?: number;
  /** The carrier for calls to phones (SIP_OUTBOUND_ADDRESS), e.g. a test phone's "127.0.0.1:<port>". */
  outboundAddress?: string;
}

export async function startPhoneStack(
  overrides: Partial<Config> = {},
  options: PhoneStackOptions = {},
): Promise<PhoneStack> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
  };
  try {
    const redis = await startRedisServer();
    started.push(redis);
    // LiveKit's webhook URL is fixed when it starts, so call control's port is chosen first.
    const port = await freeTcpPort();
    const livekit = await startLivekitServer({
      webhookUrls: [`http://127.0.0.1:${port}/api/livekit/webhook`],
      redisAddress: redis.address,
    });
    started.push(livekit);
    const sip = await startLivekitSip({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      redisAddress: redis.address,
      mediaTimeoutSeconds: options.mediaTimeoutSeconds,
      // A shared two-core test machine is often busy: tests must not be refused for load.
      maxCpuUtilization: 1,
    });
    started.push(sip);
    const server = await startTestServer({
      ...overrides,
      port,
      livekitUrl: livekit.url,
      livekitApiKey: livekit.apiKey,
      livekitApiSecret: livekit.apiSecret,
      sip: {
        uri: `sip:${sip.sipAddress}`,
        inboundAllowedAddresses: ['127.0.0.1/32'],
        outboundTransport: 'udp',
        ...(options.outboundAddress ? { outboundAddress: options.outboundAddress } : {}),
        ...overrides.sip,
      },
    });
    started.push({ stop: () => server.close() });
    return { server, livekit, sip, redis, sipAddress: sip.sipAddress, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
