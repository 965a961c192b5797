/**
 * A test phone: one SIP user agent over UDP with G.711 audio, enough to call LiveKit SIP and
 * to be called by it, the way a desk phone or a carrier would. It plays a tone, hears and
 * records what comes back, sends and receives DTMF (RFC 4733), hangs up and is hung up on,
 * and accepts a transfer (REFER) like a carrier does. Used by `npm run softphone`, the SIP
 * tests and `npm run bench:sip`, which read its timestamps (performance.now()).
 *
 *   const phone = await Softphone.open({ number: '+14155550123', displayName: 'Ada' });
 *   const call = await phone.dial('127.0.0.1:5060', '+14155550100'); // resolves on the final answer
 *   phone.sendDtmf('42#'); phone.heard(); await phone.hangup(); phone.close();
 *
 *   phone.answerIncoming({ afterMs: 500 });   // or be called: rings, then answers
 */
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { randomBytes, randomInt } from 'node:crypto';
import { RtpSession, type HeardAudio } from './rtp-session.ts';
import {
  header,
  headers,
  hostPortOf,
  parseSdpAudio,
  parseSipMessage,
  sdpAudio,
  serializeRequest,
  serializeResponse,
  tagOf,
  uriOf,
  type SipMessage,
} from './sip-message.ts';

export interface SoftphoneOptions {
  /** The number this phone calls from (its From user), e.g. "+14155550123". */
  number: string;
  /** Sent as the From header's display name. */
  displayName?: string;
  /** The address it binds and announces (default 127.0.0.1). */
  host?: string;
  /** The UDP port it takes SIP on (default: any free one), e.g. a carrier address configured ahead. */
  port?: number;
  /** The tone it plays while a call is up (Hz; 0 for silence). Default 440. */
  toneHz?: number;
}

export interface SoftphoneEvents {
  /** 180/183 for a call it placed; an INVITE for a call to it. */
  ringing: [at: number];
  /** 200 OK to its INVITE, or its own 200 OK to an incoming call. */
  answered: [at: number];
  /** The call ended; `by` says who ended it. */
  ended: [by: 'local' | 'remote', at: number];
  dtmf: [digit: string];
  /** The other side asked it to call someone else (REFER), e.g. "sip:+1…@carrier". */
  refer: [target: string];
  /** A request or response it received (for tests that look at SIP itself). */
  message: [message: SipMessage];
}

export interface DialResult {
  status: number;
  reason: string;
}

interface Dialog {
  callId: string;
  localTag: string;
  remoteTag?: string;
  remoteUri: string;
  remoteTarget: string;
  localCSeq: number;
  /** The request URI and Via branch of our INVITE (CANCEL reuses them). */
  inviteUri?: string;
  inviteBranch?: string;
  inviteCSeq?: number;
  /** An incoming INVITE we have not finished answering. */
  incomingInvite?: SipMessage;
  state: 'calling' | 'early' | 'confirmed' | 'ended';
  destination: { address: string; port: number };
}

const T1_MS = 500;

export class Softphone extends EventEmitter<SoftphoneEvents> {
  private readonly socket: Socket;
  private readonly host: string;
  private rtp?: RtpSession;
  private dialog?: Dialog;
  private readonly pending = new Map<string, (response: SipMessage) => void>();
  private autoAnswer?: { afterMs: number; status?: number };
  private closed = false;
  readonly sipPort: number;

  private constructor(
    socket: Socket,
    private readonly options: SoftphoneOptions,
  ) {
    super();
    this.socket = socket;
    this.host = options.host ?? '127.0.0.1';
    this.sipPort = socket.address().port;
    socket.on('message', (data, from) => this.receive(data.toString('utf8'), from));
  }

  static async open(options: SoftphoneOptions): Promise<Softphone> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return new Softphone(socket, options);
  }

  /** What it has heard so far on the current (or last) call. */
  heard(): HeardAudio {
    return (
      this.rtp?.heard() ?? { samples: new Int16Array(0), packets: 0, loudPackets: 0, peakRms: 0 }
    );
  }

  get inCall(): boolean {
    return this.dialog?.state === 'confirmed';
  }

  /**
   * Calls `number` at `server` ("ip:port" of LiveKit SIP). Resolves with the final response:
   * 200 once answered (media flows from then on), or the refusal (4xx–6xx).
   */
  async dial(server: string, number: string): Promise<DialResult> {
    if (this.dialog && this.dialog.state !== 'ended') throw new Error('already in a call');
    const [address, port] = server.split(':');
    const destination = { address: address, port: Number(port ?? 5060) };
    this.rtp = await RtpSession.open(this.host, this.options.toneHz ?? 440);
    this.wireRtp();
    const remoteUri = `sip:${number}@${server}`;
    const dialog: Dialog = {
      callId: `${randomBytes(8).toString('hex')}@${this.host}`,
      localTag: randomBytes(6).toString('hex'),
      remoteUri,
      remoteTarget: remoteUri,
      localCSeq: 1,
      state: 'calling',
      destination,
    };
    this.dialog = dialog;
    const branch = newBranch();
    dialog.inviteUri = remoteUri;
    dialog.inviteBranch = branch;
    dialog.inviteCSeq = dialog.localCSeq;
    const body = sdpAudio(this.host, this.rtp.port, randomInt(1, 2 ** 31));
    const invite = serializeRequest(
      'INVITE',
      remoteUri,
      [
        ['Via', this.via(branch)],
        ['Max-Forwards', '70'],
        [
          'From',
          `${this.fromName()}<sip:${this.options.number}@${this.host}:${this.sipPort}>;tag=${dialog.localTag}`,
        ],
        ['To', `<${remoteUri}>`],
        ['Call-ID', dialog.callId],
        ['CSeq', `${dialog.localCSeq} INVITE`],
        ['Contact', this.contact()],
        ['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY'],
        ['Content-Type', 'application/sdp'],
      ],
      body,
    );
    const final = await new Promise<SipMessage>((resolve) => {
      let answered = false;
      let retransmit: NodeJS.Timeout | undefined;
      let interval = T1_MS;
      const send = () => {
        this.send(invite, destination);
        retransmit = setTimeout(send, (interval = Math.min(interval * 2, 4_000)));
      };
      this.pending.set(`${branch}`, (response) => {
        clearTimeout(retransmit); // any response stops INVITE retransmissions
        const status = response.status!;
        if (status < 200) {
          if ((status === 180 || status === 183) && dialog.state === 'calling') {
            dialog.state = 'early';
            this.emit('ringing', performance.now());
          }
          return;
        }
        if (answered) {
          // A retransmitted final response: our ACK was lost, send it again.
          if (status < 300) this.ack2xx(response);
          return;
        }
        answered = true;
        resolve(response);
      });
      send();
    });
    const status = final.status!;
    if (status >= 300) {
      this.ackFailure(final, branch);
      dialog.state = 'ended';
      this.rtp.close();
      return { status, reason: final.reason ?? '' };
    }
    dialog.remoteTag = tagOf(header(final, 'To'));
    const contact = header(final, 'Contact');
    if (contact) dialog.remoteTarget = uriOf(contact);
    dialog.state = 'confirmed';
    this.ack2xx(final);
    const answer = parseSdpAudio(final.body);
    if (answer) this.rtp.connect(answer, answer.telephoneEvent);
    this.rtp.start();
    this.emit('answered', performance.now());
    return { status, reason: final.reason ?? '' };
  }

  /**
   * Answer the next call to this phone: 180 Ringing at once, 200 OK after `afterMs` (or a
   * final `status` such as 486 to refuse it).
   */
  answerIncoming(options: { afterMs?: number; status?: number } = {}): void {
    this.autoAnswer = { afterMs: options.afterMs ?? 0, status: options.status };
  }

  sendDtmf(digits: string): void {
    if (!this.rtp) throw new Error('no call');
    this.rtp.sendDtmf(digits);
  }

  /** BYE when the call is up, CANCEL while it rings; resolves once the other side answered it. */
  async hangup(): Promise<void> {
    const dialog = this.dialog;
    if (!dialog || dialog.state === 'ended') return;
    if (dialog.state === 'confirmed') {
      dialog.state = 'ended';
      this.rtp?.close();
      this.emit('ended', 'local', performance.now());
      await this.request('BYE', dialog);
      return;
    }
    if (dialog.incomingInvite) {
      this.respond(dialog.incomingInvite, 486, 'Busy Here');
      dialog.state = 'ended';
      this.emit('ended', 'local', performance.now());
      return;
    }
    // CANCEL matches the INVITE: same request URI, Via branch and CSeq number.
    const cancel = serializeRequest('CANCEL', dialog.inviteUri!, [
      ['Via', this.via(dialog.inviteBranch!)],
      ['Max-Forwards', '70'],
      [
        'From',
        `${this.fromName()}<sip:${this.options.number}@${this.host}:${this.sipPort}>;tag=${dialog.localTag}`,
      ],
      ['To', `<${dialog.remoteUri}>`],
      ['Call-ID', dialog.callId],
      ['CSeq', `${dialog.inviteCSeq} CANCEL`],
    ]);
    this.send(cancel, dialog.destination);
    dialog.state = 'ended';
    this.rtp?.close();
    this.emit('ended', 'local', performance.now());
  }

  /** The line goes dead: no more RTP and no BYE, as when a phone loses its network. */
  dropMedia(): void {
    this.rtp?.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rtp?.close();
    this.socket.close();
  }

  // ------------------------------------------------------------------ SIP plumbing

  private wireRtp(): void {
    this.rtp!.on('dtmf', (digit) => this.emit('dtmf', digit));
  }

  private fromName(): string {
    const name = this.options.displayName;
    return name ? `"${name.replace(/["\\]/g, '')}" ` : '';
  }

  private via(branch: string): string {
    return `SIP/2.0/UDP ${this.host}:${this.sipPort};branch=${branch};rport`;
  }

  private contact(): string {
    return `<sip:${this.options.number}@${this.host}:${this.sipPort}>`;
  }

  private send(text: string, to: { address: string; port: number }): void {
    if (this.closed) return;
    this.socket.send(text, to.port, to.address);
  }

  /** An in-dialog request (BYE, NOTIFY); resolves with its final response (or after 8 s). */
  private request(
    method: string,
    dialog: Dialog,
    extra: [string, string][] = [],
    body = '',
  ): Promise<SipMessage | undefined> {
    dialog.localCSeq++;
    const branch = newBranch();
    const localUri = `sip:${this.options.number}@${this.host}:${this.sipPort}`;
    const text = serializeRequest(
      method,
      dialog.remoteTarget,
      [
        ['Via', this.via(branch)],
        ['Max-Forwards', '70'],
        ['From', `<${localUri}>;tag=${dialog.localTag}`],
        ['To', `<${dialog.remoteUri}>${dialog.remoteTag ? `;tag=${dialog.remoteTag}` : ''}`],
        ['Call-ID', dialog.callId],
        ['CSeq', `${dialog.localCSeq} ${method}`],
        ['Contact', this.contact()],
        ...extra,
      ],
      body,
    );
    const target = hostPortOfTarget(dialog);
    return new Promise((resolve) => {
      let interval = T1_MS;
      let timer: NodeJS.Timeout;
      const giveUp = setTimeout(() => {
        clearTimeout(timer);
        this.pending.delete(branch);
        resolve(undefined);
      }, 8_000);
      const send = () => {
        this.send(text, target);
        timer = setTimeout(send, (interval = Math.min(interval * 2, 4_000)));
      };
      this.pending.set(branch, (response) => {
        if (response.status! < 200) return clearTimeout(timer);
        clearTimeout(timer);
        clearTimeout(giveUp);
        this.pending.delete(branch);
        resolve(response);
      });
      send();
    });
  }

  private ack2xx(response: SipMessage): void {
    const dialog = this.dialog!;
    const localUri = `sip:${this.options.number}@${this.host}:${this.sipPort}`;
    const ack = serializeRequest('ACK', dialog.remoteTarget, [
      ['Via', this.via(newBranch())],
      ['Max-Forwards', '70'],
      ['From', header(response, 'From') ?? `<${localUri}>;tag=${dialog.localTag}`],
      ['To', header(response, 'To')!],
      ['Call-ID', dialog.callId],
      ['CSeq', `${dialog.inviteCSeq} ACK`],
    ]);
    this.send(ack, hostPortOfTarget(dialog));
  }

  /** A refused INVITE is acknowledged in its own transaction (same branch). */
  private ackFailure(response: SipMessage, branch: string): void {
    const dialog = this.dialog!;
    const ack = serializeRequest('ACK', dialog.inviteUri!, [
      ['Via', this.via(branch)],
      ['Max-Forwards', '70'],
      ['From', header(response, 'From')!],
      ['To', header(response, 'To')!],
      ['Call-ID', dialog.callId],
      ['CSeq', `${dialog.inviteCSeq} ACK`],
    ]);
    this.send(ack, dialog.destination);
  }

  private respond(
    request: SipMessage,
    status: number,
    reason: string,
    extra: [string, string][] = [],
    body = '',
  ): void {
    const fields: [string, string][] = [
      ...headers(request, 'Via').map((via): [string, string] => ['Via', via]),
      ['From', header(request, 'From')!],
      ['To', this.toWithTag(request)],
      ['Call-ID', header(request, 'Call-ID')!],
      ['CSeq', header(request, 'CSeq')!],
      ...extra,
    ];
    const via = headers(request, 'Via')[0] ?? '';
    this.send(serializeResponse(status, reason, fields, body), responseTarget(via));
  }

  /** Our To tag on responses: the dialog's local tag for in-dialog requests. */
  private toWithTag(request: SipMessage): string {
    const to = header(request, 'To') ?? '';
    if (tagOf(to)) return to;
    const tag =
      this.dialog && header(request, 'Call-ID') === this.dialog.callId
        ? this.dialog.localTag
        : randomBytes(6).toString('hex');
    return `${to};tag=${tag}`;
  }

  private receive(text: string, from: { address: string; port: number }): void {
    const message = parseSipMessage(text);
    if (!message) return;
    this.emit('message', message);
    if (message.status !== undefined) {
      const branch = /branch=([^;,\s]+)/.exec(headers(message, 'Via')[0] ?? '')?.[1];
      if (branch) this.pending.get(branch)?.(message);
      return;
    }
    switch (message.method) {
      case 'INVITE':
        return this.incomingInvite(message, from);
      case 'ACK':
        return;
      case 'BYE':
        this.respond(message, 200, 'OK');
        if (
          this.dialog &&
          this.dialog.state !== 'ended' &&
          header(message, 'Call-ID') === this.dialog.callId
        ) {
          this.dialog.state = 'ended';
          this.rtp?.close();
          this.emit('ended', 'remote', performance.now());
        }
        return;
      case 'CANCEL':
        this.respond(message, 200, 'OK');
        if (this.dialog?.incomingInvite && this.dialog.state !== 'ended') {
          this.respond(this.dialog.incomingInvite, 487, 'Request Terminated');
          this.dialog.state = 'ended';
          this.emit('ended', 'remote', performance.now());
        }
        return;
      case 'REFER': {
        const target = header(message, 'Refer-To');
        this.respond(message, 202, 'Accepted');
        if (target) this.emit('refer', uriOf(target));
        // A carrier reports how the new call went; ours "succeeds" at once.
        if (this.dialog) {
          void this.request(
            'NOTIFY',
            this.dialog,
            [
              ['Event', 'refer'],
              ['Subscription-State', 'terminated;reason=noresource'],
              ['Content-Type', 'message/sipfrag;version=2.0'],
            ],
            'SIP/2.0 200 OK\r\n',
          );
        }
        return;
      }
      default:
        this.respond(message, 200, 'OK');
    }
  }

  private incomingInvite(invite: SipMessage, from: { address: string; port: number }): void {
    const callId = header(invite, 'Call-ID')!;
    if (this.dialog && this.dialog.callId === callId) {
      // A retransmission: answer it as before.
      if (this.dialog.state === 'confirmed' && this.dialog.incomingInvite)
        this.respondOk(this.dialog.incomingInvite);
      return;
    }
    if (this.dialog && this.dialog.state !== 'ended') return this.respond(invite, 486, 'Busy Here');
    const contact = header(invite, 'Contact');
    const fromHeader = header(invite, 'From')!;
    const dialog: Dialog = {
      callId,
      localTag: randomBytes(6).toString('hex'),
      remoteTag: tagOf(fromHeader),
      remoteUri: uriOf(fromHeader),
      remoteTarget: contact ? uriOf(contact) : `sip:${from.address}:${from.port}`,
      localCSeq: 0,
      incomingInvite: invite,
      state: 'early',
      destination: from,
    };
    this.dialog = dialog;
    this.respond(invite, 100, 'Trying');
    this.respond(invite, 180, 'Ringing');
    this.emit('ringing', performance.now());
    const plan = this.autoAnswer;
    if (!plan) return;
    // A failure to open RTP is thrown out of the timer (unhandled rejection), as before.
    setTimeout(() => void this.answerAsPlanned(invite, dialog, plan), plan.afterMs);
  }

  private async answerAsPlanned(
    invite: SipMessage,
    dialog: Dialog,
    plan: { afterMs: number; status?: number },
  ): Promise<void> {
    if (dialog.state !== 'early') return;
    if (plan.status && plan.status >= 300) {
      dialog.state = 'ended';
      this.respond(invite, plan.status, 'Refused');
      return;
    }
    this.rtp = await RtpSession.open(this.host, this.options.toneHz ?? 440);
    this.wireRtp();
    const offer = parseSdpAudio(invite.body);
    if (offer) this.rtp.connect(offer, offer.telephoneEvent);
    dialog.state = 'confirmed';
    this.respondOk(invite);
    this.rtp.start();
    this.emit('answered', performance.now());
  }

  private respondOk(invite: SipMessage): void {
    const body = sdpAudio(this.host, this.rtp!.port, randomInt(1, 2 ** 31));
    this.respond(
      invite,
      200,
      'OK',
      [
        ['Contact', this.contact()],
        ['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY'],
        ['Content-Type', 'application/sdp'],
      ],
      body,
    );
  }
}

function newBranch(): string {
  return `z9hG4bK${randomBytes(8).toString('hex')}`;
}

function hostPortOfTarget(dialog: Dialog): { address: string; port: number } {
  try {
    return hostPortOf(dialog.remoteTarget);
  } catch {
    return dialog.destination;
  }
}

/** Responses go back where the top Via says (its received/rport when present). */
function responseTarget(via: string): { address: string; port: number } {
  const sentBy = /SIP\/2\.0\/UDP ([^;:\s]+)(?::(\d+))?/i.exec(via);
  const received = /;received=([^;\s]+)/.exec(via)?.[1];
  const rport = /;rport=(\d+)/.exec(via)?.[1];
  return {
    address: received ?? sentBy?.[1] ?? '127.0.0.1',
    port: Number(rport ?? sentBy?.[2] ?? 5060),
  };
}
