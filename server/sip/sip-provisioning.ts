/**
 * Sets up what LiveKit SIP needs, through livekit-server-sdk's SipClient, so nothing is done by
 * hand: one inbound trunk, one dispatch rule that gives each incoming call a room of its own
 * (`sbphone_<caller>_<random>`), and, when a carrier is configured, one outbound trunk. Objects
 * are found by name, so running it again (every boot, several nodes) changes only what differs.
 *
 * The inbound trunk lists no numbers, so it takes calls to any number (from the allowed
 * addresses, with the credentials, when configured): LiveKit drops a call to a number no trunk
 * lists without a word (its flood protection), while call control refuses a number it does not
 * know at once and clearly (phone-calls.ts). Numbers therefore never need re-provisioning.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  type SIPDispatchRuleInfo,
  SIPInboundTrunkInfo,
  SIPOutboundTrunkInfo,
  SIPTransport,
} from '@livekit/protocol';
import type { SipClient } from 'livekit-server-sdk';
import type { SipConfig } from '../config.ts';

export const INBOUND_TRUNK_NAME = 'switchboard-inbound';
export const DISPATCH_RULE_NAME = 'switchboard-inbound';
export const OUTBOUND_TRUNK_NAME = 'switchboard-outbound';
/** The outbound trunk's one number (see `syncOutboundTrunk`): never used as a caller ID. */
const OUTBOUND_TRUNK_PLACEHOLDER_NUMBER = '*';
/** Rooms of incoming phone calls start with this and "_" (LiveKit adds the caller and a random part). */
export const PHONE_ROOM_PREFIX = 'sbphone';
/** The participant attribute carrying the caller's SIP From header, display name included. */
export const FROM_HEADER_ATTRIBUTE = 'switchboard.from';

/** How long after a failed attempt provisioning tries again. */
const RETRY_MS = 5_000;

const transports: Record<SipConfig['outboundTransport'], SIPTransport> = {
  udp: SIPTransport.SIP_TRANSPORT_UDP,
  tcp: SIPTransport.SIP_TRANSPORT_TCP,
  tls: SIPTransport.SIP_TRANSPORT_TLS,
};

export interface SipProvisioningOptions {
  /** How long an incoming call may ring (wait for an agent) before LiveKit SIP gives up. */
  ringingTimeoutSeconds: number;
  log: FastifyBaseLogger;
}

export class SipProvisioning {
  private inboundTrunkId?: string;
  private outboundTrunkIdValue?: string;
  /** Attempts run one after another. */
  private queue: Promise<unknown> = Promise.resolve();
  private retry?: NodeJS.Timeout;
  private closed = false;
  private readyResolve!: () => void;
  /** Settles once everything was provisioned (never, while LiveKit SIP's API is unreachable). */
  readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));

  constructor(
    private readonly sip: SipClient,
    private readonly config: SipConfig,
    private readonly options: SipProvisioningOptions,
  ) {}

  /** Where phones call (LIVEKIT_SIP_URI). */
  get uri(): string {
    return this.config.uri;
  }

  /** The outbound trunk's id once provisioned; undefined without a carrier or before then. */
  get outboundTrunkId(): string | undefined {
    return this.outboundTrunkIdValue;
  }

  /** Provisions in the background, retrying until it succeeds; never throws. */
  start(): void {
    this.enqueue(async () => {
      try {
        await this.provision();
        this.readyResolve();
      } catch (error) {
        if (this.closed) return;
        this.options.log.error(
          { err: error },
          `could not provision LiveKit SIP; trying again in ${RETRY_MS / 1000} s`,
        );
        this.retry = setTimeout(() => this.start(), RETRY_MS);
        this.retry.unref();
      }
    });
  }

  /** Waits for updates in flight; nothing starts afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.queue;
  }

  private enqueue(work: () => Promise<void>): void {
    if (this.closed) return;
    this.queue = this.queue.then(work, work);
  }

  private async provision(): Promise<void> {
    await this.syncInboundTrunk();
    await this.syncDispatchRule();
    if (this.config.outboundAddress) await this.syncOutboundTrunk();
    this.options.log.info(
      {
        inboundTrunk: this.inboundTrunkId,
        outboundTrunk: this.outboundTrunkIdValue,
        uri: this.config.uri,
      },
      'LiveKit SIP provisioned',
    );
  }

  private async syncInboundTrunk(): Promise<void> {
    const { config } = this;
    const desired = new SIPInboundTrunkInfo({
      name: INBOUND_TRUNK_NAME,
      numbers: [],
      allowedAddresses: config.inboundAllowedAddresses,
      authUsername: config.inboundUsername ?? '',
      authPassword: config.inboundPassword ?? '',
      headersToAttributes: { From: FROM_HEADER_ATTRIBUTE },
      ringingTimeout: { seconds: BigInt(this.options.ringingTimeoutSeconds), nanos: 0 },
    });
    const existing = await this.sip.listSipInboundTrunk();
    const [kept, ...duplicates] = existing.filter((trunk) => trunk.name === INBOUND_TRUNK_NAME);
    for (const duplicate of duplicates) await this.sip.deleteSipTrunk(duplicate.sipTrunkId);
    if (!kept) {
      const created = await this.sip.createSipInboundTrunk(INBOUND_TRUNK_NAME, desired.numbers, {
        allowedAddresses: desired.allowedAddresses,
        authUsername: desired.authUsername,
        authPassword: desired.authPassword,
        headersToAttributes: desired.headersToAttributes,
        ringingTimeout: this.options.ringingTimeoutSeconds,
      });
      this.inboundTrunkId = created.sipTrunkId;
      return;
    }
    this.inboundTrunkId = kept.sipTrunkId;
    if (!sameInboundTrunk(kept, desired)) {
      desired.sipTrunkId = kept.sipTrunkId;
      await this.sip.updateSipInboundTrunk(kept.sipTrunkId, desired);
    }
  }

  private async syncDispatchRule(): Promise<void> {
    const trunkIds = [this.inboundTrunkId!];
    const rules = await this.sip.listSipDispatchRule();
    const [kept, ...duplicates] = rules.filter((rule) => rule.name === DISPATCH_RULE_NAME);
    for (const duplicate of duplicates)
      await this.sip.deleteSipDispatchRule(duplicate.sipDispatchRuleId);
    if (kept && sameDispatchRule(kept, trunkIds)) return;
    if (kept) await this.sip.deleteSipDispatchRule(kept.sipDispatchRuleId);
    await this.sip.createSipDispatchRule(
      { type: 'individual', roomPrefix: PHONE_ROOM_PREFIX },
      { name: DISPATCH_RULE_NAME, trunkIds },
    );
  }

  private async syncOutboundTrunk(): Promise<void> {
    const { config } = this;
    const desired = new SIPOutboundTrunkInfo({
      name: OUTBOUND_TRUNK_NAME,
      address: config.outboundAddress!,
      transport: transports[config.outboundTransport],
      // Caller IDs are each tenant's own numbers, given per call (CreateSIPParticipant's
      // fromNumber, which LiveKit uses instead of the trunk's). LiveKit refuses an outbound trunk
      // without numbers ("no trunk numbers specified"), so it lists a placeholder, never dialled
      // from: call control always names the caller ID.
      numbers: [OUTBOUND_TRUNK_PLACEHOLDER_NUMBER],
      authUsername: config.outboundUsername ?? '',
      authPassword: config.outboundPassword ?? '',
    });
    const existing = await this.sip.listSipOutboundTrunk();
    const [kept, ...duplicates] = existing.filter((trunk) => trunk.name === OUTBOUND_TRUNK_NAME);
    for (const duplicate of duplicates) await this.sip.deleteSipTrunk(duplicate.sipTrunkId);
    if (!kept) {
      const created = await this.sip.createSipOutboundTrunk(
        OUTBOUND_TRUNK_NAME,
        desired.address,
        desired.numbers,
        {
          transport: desired.transport,
          authUsername: desired.authUsername,
          authPassword: desired.authPassword,
        },
      );
      this.outboundTrunkIdValue = created.sipTrunkId;
      return;
    }
    this.outboundTrunkIdValue = kept.sipTrunkId;
    if (
      kept.address !== desired.address ||
      // livekit-server-sdk carries its own copy of @livekit/protocol: same wire values, two enums.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-comparison
      kept.transport !== desired.transport ||
      kept.authUsername !== desired.authUsername ||
      kept.authPassword !== desired.authPassword ||
      !sameList(kept.numbers, desired.numbers)
    ) {
      desired.sipTrunkId = kept.sipTrunkId;
      await this.sip.updateSipOutboundTrunk(kept.sipTrunkId, desired);
    }
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const sortedB = [...b].sort();
  return a.length === b.length && [...a].sort().every((value, index) => value === sortedB[index]);
}

function sameInboundTrunk(kept: SIPInboundTrunkInfo, desired: SIPInboundTrunkInfo): boolean {
  return (
    sameList(kept.numbers, desired.numbers) &&
    sameList(kept.allowedAddresses, desired.allowedAddresses) &&
    kept.authUsername === desired.authUsername &&
    kept.authPassword === desired.authPassword &&
    kept.headersToAttributes.From === FROM_HEADER_ATTRIBUTE &&
    (kept.ringingTimeout?.seconds ?? 0n) === desired.ringingTimeout?.seconds
  );
}

function sameDispatchRule(kept: SIPDispatchRuleInfo, trunkIds: string[]): boolean {
  const rule = kept.rule?.rule;
  return (
    rule?.case === 'dispatchRuleIndividual' &&
    rule.value.roomPrefix === PHONE_ROOM_PREFIX &&
    sameList(kept.trunkIds, trunkIds)
  );
}
