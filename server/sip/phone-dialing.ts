/**
 * Agents dialing phone numbers from the Call box. A dialled address that looks like a phone
 * number ("+1 415 555 0100", "0044 20 …") goes here instead of the directory of users and
 * groups. Without LiveKit SIP, or without a carrier for outbound calls, the agent is told
 * plainly what the server lacks and how to get it.
 */
import type { SipConfig } from '../config.ts';
import type { PhoneNumberRepository } from '../phone-numbers/phone-number-repository.ts';
import { toE164 } from '../phone-numbers/phone-number-format.ts';
import type { CallRouter } from '../routing/index.ts';
import type { SipService } from './sip-service.ts';
import { AppError } from '../shared/errors.ts';

export { isPhoneNumberLike } from '../phone-numbers/phone-number-format.ts';

export const NEEDS_LIVEKIT_SIP =
  'calling phone numbers needs LiveKit SIP, which this server does not run: start it with ' +
  '`npm run start:livekit` (builds LiveKit SIP with Go), or point call control at one with ' +
  'LIVEKIT_SIP_URI (see server/sip/README.md)';

export const NEEDS_CALLER_ID =
  'calling phone numbers needs a phone number of your own to call from: add one with ' +
  'POST /api/phone-numbers (the one marked callerId, else the first, is shown to the phone)';

export const NEEDS_CARRIER =
  'calling phone numbers needs a SIP carrier for outbound calls: set SIP_OUTBOUND_ADDRESS ' +
  '(see server/sip/README.md)';

/** What an agent's dial of a phone number does on this server. */
export class PhoneDialing {
  constructor(
    private readonly sip: SipConfig | undefined,
    private readonly numbers: Pick<PhoneNumberRepository, 'callerIdOf'>,
    private readonly service?: Pick<
      SipService,
      'transferToNumber' | 'checkPhoneOn' | 'completeToNumber'
    >,
  ) {}

  /**
   * An agent transfers the phone call it has to a phone number (blind, through the phone's own
   * network: REFER). Checked like any transfer first; the call ends `transferred` once the
   * network took it.
   */
  async transferOut(
    router: Pick<CallRouter, 'checkTransferOut'>,
    sessionId: string,
    callId: string,
    to: string,
  ): Promise<void> {
    if (!this.sip || !this.service) throw new AppError('wrong-state', NEEDS_LIVEKIT_SIP);
    const { tenantId } = router.checkTransferOut(sessionId, callId);
    const number = toE164(to);
    if (!number)
      throw new AppError(
        'bad-request',
        `cannot transfer to "${to}": not a valid international phone number (start it with + and the country code)`,
      );
    await this.service.transferToNumber(tenantId, callId, number);
  }

  /**
   * An agent starts a warm transfer of the phone call it has to a phone number: the caller holds
   * (with its group's music), the number is dialled as the consultation, in a room of its own
   * where the agent talks to it (`transfers.ts`, `PhoneDialer`). Refused clearly, changing
   * nothing, without LiveKit SIP, a carrier or a caller ID, or on a call with no phone on it.
   */
  async consultNumber(
    router: Pick<CallRouter, 'checkTransferOut' | 'transfer'>,
    sessionId: string,
    callId: string,
    to: string,
    reply: () => void,
  ): Promise<void> {
    if (!this.sip || !this.service) throw new AppError('wrong-state', NEEDS_LIVEKIT_SIP);
    const { tenantId } = router.checkTransferOut(sessionId, callId);
    if (!toE164(to))
      throw new AppError(
        'bad-request',
        `cannot transfer to "${to}": not a valid international phone number (start it with + and the country code)`,
      );
    await this.requireOutbound(tenantId);
    this.service.checkPhoneOn(callId);
    await router.transfer(sessionId, callId, to, 'warm', reply);
  }

  /**
   * Completes this tab's warm transfer to a phone number, if that is what its call has in
   * progress (false otherwise: an ordinary transfer, completed by routing).
   */
  async completeTransfer(
    router: Pick<CallRouter, 'phoneConsultationOf' | 'completeTransferToPhone' | 'endCall'>,
    sessionId: string,
    callId: string,
  ): Promise<boolean> {
    if (!this.service || !router.phoneConsultationOf(sessionId, callId)) return false;
    await this.service.completeToNumber(router, sessionId, callId);
    return true;
  }

  /** Throws the clear refusal when this server, or this tenant, cannot call phones. */
  async requireOutbound(tenantId: string): Promise<void> {
    if (!this.sip) throw new AppError('wrong-state', NEEDS_LIVEKIT_SIP);
    if (!this.sip.outboundAddress) throw new AppError('wrong-state', NEEDS_CARRIER);
    if (!(await this.numbers.callerIdOf(tenantId)))
      throw new AppError('wrong-state', NEEDS_CALLER_ID);
  }
}
