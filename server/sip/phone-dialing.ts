/**
 * Agents dialing phone numbers from the Call box. A dialled address that looks like a phone
 * number ("+1 415 555 0100", "0044 20 …") goes here instead of the directory of users and
 * groups. Without LiveKit SIP, or without a carrier for outbound calls, the agent is told
 * plainly what the server lacks and how to get it.
 */
import type { SipConfig } from '../config.ts';
import { AppError } from '../shared/errors.ts';

/** Digits with the punctuation people write, optionally led by "+": a phone number, not an address. */
const PHONE_NUMBER_LIKE = /^\+?[0-9][0-9 ().-]{2,}$/;

export const isPhoneNumberLike = (to: string) => PHONE_NUMBER_LIKE.test(to.trim());

export const NEEDS_LIVEKIT_SIP =
  'calling phone numbers needs LiveKit SIP, which this server does not run: start it with ' +
  '`npm run start:livekit` (builds LiveKit SIP with Go), or point call control at one with ' +
  'LIVEKIT_SIP_URI (see server/sip/README.md)';

export const NEEDS_CARRIER =
  'calling phone numbers needs a SIP carrier for outbound calls: set SIP_OUTBOUND_ADDRESS ' +
  '(see server/sip/README.md)';

/** What an agent's dial of a phone number does on this server. */
export class PhoneDialing {
  constructor(private readonly sip: SipConfig | undefined) {}

  /** Throws the clear refusal when this server cannot call phones. */
  requireOutbound(): void {
    if (!this.sip) throw new AppError('wrong-state', NEEDS_LIVEKIT_SIP);
    if (!this.sip.outboundAddress) throw new AppError('wrong-state', NEEDS_CARRIER);
  }
}
