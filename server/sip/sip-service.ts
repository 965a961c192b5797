/**
 * LiveKit SIP in call control, composed once in app.ts when LIVEKIT_SIP_URI is set: the
 * provisioning of trunks and the dispatch rule, incoming phone calls and agents' calls to phones. Without it phone
 * numbers can still be managed, but no phone reaches Switchboard.
 */
import type { FastifyBaseLogger } from 'fastify';
import { SipClient, type WebhookEvent } from 'livekit-server-sdk';
import type { CallRecords } from '../calls/call-records.ts';
import type { Config, SipConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Directory } from '../directory/directory.ts';
import type { CallMedia } from '../media/call-media.ts';
import type { MediaBackend } from '../media/media-backend.ts';
import type { PhoneNumberRepository } from '../phone-numbers/phone-number-repository.ts';
import type { CallRouter } from '../routing/index.ts';
import { formatForPeople } from '../phone-numbers/phone-number-format.ts';
import { AppError } from '../shared/errors.ts';
import { GroupWaitingAudio } from './group-waiting-audio.ts';
import { PhoneCallbacks, type CallbackRequest, type CallbackStarted } from './phone-callbacks.ts';
import { PhoneCalls } from './phone-calls.ts';
import { PhoneDialer } from './phone-dialer.ts';
import { PhoneScripts } from './phone-scripts.ts';
import { PhoneWaiting } from './phone-waiting.ts';
import { SipProvisioning } from './sip-provisioning.ts';

/** SIP API calls give up after this long (creating a participant waits longer, on its own). */
const SIP_API_TIMEOUT_SECONDS = 10;

export interface SipServiceDependencies {
  config: Config & { sip: SipConfig };
  backend: MediaBackend;
  router: CallRouter;
  media: CallMedia;
  numbers: PhoneNumberRepository;
  directory: Directory;
  database: Database;
  /** Where calls routing never holds (a number's announcement) are recorded. */
  records: Pick<CallRecords, 'recordUnrouted'>;
  log: FastifyBaseLogger;
}

export class SipService {
  readonly provisioning: SipProvisioning;
  private readonly phoneCalls: PhoneCalls;
  private readonly dialer: PhoneDialer;
  private readonly callbacks: PhoneCallbacks;
  private readonly waiting: PhoneWaiting;
  private readonly scripts: PhoneScripts;
  private readonly client: SipClient;
  private readonly router: CallRouter;
  private readonly media: CallMedia;

  constructor(deps: SipServiceDependencies) {
    const { backend, config, log } = deps;
    const client = new SipClient(backend.serverUrl, backend.apiKey, backend.apiSecret, {
      requestTimeout: SIP_API_TIMEOUT_SECONDS,
    });
    this.client = client;
    this.router = deps.router;
    this.media = deps.media;
    this.provisioning = new SipProvisioning(client, config.sip, {
      // A phone may wait as long as a queued call may; LiveKit SIP answers it when an agent does.
      ringingTimeoutSeconds: config.maxQueueWaitSeconds,
      log: log.child({ part: 'provisioning' }),
    });
    const groups = new GroupWaitingAudio(deps.database);
    this.waiting = new PhoneWaiting({
      backend,
      router: deps.router,
      groups,
      mediaDir: config.scriptMediaDir,
      ffmpegPath: config.ffmpegPath,
      log: log.child({ part: 'waiting-audio' }),
    });
    this.scripts = new PhoneScripts({
      backend,
      rooms: backend.rooms,
      records: deps.records,
      mediaDir: config.scriptMediaDir,
      ffmpegPath: config.ffmpegPath,
      log: log.child({ part: 'phone-scripts' }),
    });
    this.phoneCalls = new PhoneCalls({
      router: deps.router,
      media: deps.media,
      rooms: backend.rooms,
      numbers: deps.numbers,
      waiting: this.waiting,
      scripts: this.scripts,
      log: log.child({ part: 'phone-calls' }),
    });
    this.callbacks = new PhoneCallbacks({
      sip: client,
      outboundTrunkId: () => this.provisioning.outboundTrunkId,
      router: deps.router,
      media: deps.media,
      rooms: backend.rooms,
      numbers: deps.numbers,
      directory: deps.directory,
      waiting: this.waiting,
      groups,
      records: deps.records,
      maxRingingPerTenant: config.maxRingingCallbacksPerTenant,
      log: log.child({ part: 'phone-callbacks' }),
    });
    this.dialer = new PhoneDialer({
      sip: client,
      outboundTrunkId: () => this.provisioning.outboundTrunkId,
      router: deps.router,
      media: deps.media,
      numbers: deps.numbers,
      log: log.child({ part: 'phone-dialer' }),
    });
  }

  /** Calls a phone for the HTTP API, then the tenant's group or person (phone-callbacks.ts). */
  callPhone(tenantId: string, request: CallbackRequest): Promise<CallbackStarted> {
    return this.callbacks.start(tenantId, request);
  }

  /** Phones a tenant's callbacks are ringing now (for tests). */
  callbacksRinging(tenantId: string): number {
    return this.callbacks.ringingCount(tenantId);
  }

  /** Where phones call (LIVEKIT_SIP_URI). */
  get uri(): string {
    return this.provisioning.uri;
  }

  start(): void {
    this.provisioning.start();
    this.dialer.start();
    this.waiting.start();
  }

  /**
   * Transfers a connected phone call to a phone number, blind: LiveKit SIP sends the phone's
   * network a REFER to `tel:<number>` (TransferSIPParticipant) and, once the network accepted
   * it, hangs its own leg up; the call then ends `transferred` here (the phone talks to the
   * number through its carrier, outside Switchboard). A refused REFER leaves the call as it was.
   */
  async transferToNumber(tenantId: string, callId: string, number: string): Promise<void> {
    const phone = this.media.phoneOf(callId);
    if (!phone)
      throw new AppError(
        'wrong-state',
        `call ${callId} has no phone on it: only phone calls can be transferred to a phone number`,
      );
    this.media.setTransferringOut(callId, true);
    try {
      await this.client.transferSipParticipant(phone.room, phone.identity, `tel:${number}`, {
        playDialtone: false,
      });
    } catch (error) {
      this.media.setTransferringOut(callId, false);
      throw new AppError(
        'wrong-state',
        `the phone's network refused the transfer to ${formatForPeople(number)}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    this.router.endCall(tenantId, callId, 'transferred');
  }

  handleWebhook(event: WebhookEvent): void {
    this.phoneCalls.handleWebhook(event);
    this.callbacks.handleWebhook(event);
  }

  /** Phone calls whose waiting audio plays now (for tests). */
  get waitingAudioPlaying(): number {
    return this.waiting.playing;
  }

  /** Numbers' scripts playing to phones now (for tests). */
  get scriptsPlaying(): number {
    return this.scripts.playing;
  }

  async close(): Promise<void> {
    await this.dialer.close();
    await this.callbacks.close();
    await this.phoneCalls.close();
    await this.waiting.close();
    await this.scripts.close();
    await this.provisioning.close();
  }
}
