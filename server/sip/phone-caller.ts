/**
 * Who is calling, from the attributes LiveKit SIP gives a phone's participant: the number it
 * called from (`sip.phoneNumber`), the number it dialled (`sip.trunkPhoneNumber`) and its SIP
 * From header (copied to an attribute by the inbound trunk), whose display name, when the
 * caller's network sends one, is the name an agent sees.
 */
import type { Party } from '../../protocol/session-protocol.ts';
import { formatForPeople, toE164 } from '../phone-numbers/phone-number-format.ts';
import { FROM_HEADER_ATTRIBUTE } from './sip-provisioning.ts';

export const CALLER_NUMBER_ATTRIBUTE = 'sip.phoneNumber';
export const DIALLED_NUMBER_ATTRIBUTE = 'sip.trunkPhoneNumber';
export const CALL_STATUS_ATTRIBUTE = 'sip.callStatus';

/** Longer display names are cut: they are labels on a card, and come from outside. */
const MAX_NAME_LENGTH = 80;

/**
 * The display name of a SIP From header: `"Ada Lovelace" <sip:+1415…@host>;tag=…` → "Ada
 * Lovelace"; `Ada <sip:…>` → "Ada"; none for a bare URI. Quoted-pair escapes are undone and
 * control characters dropped.
 */
export function displayNameOf(fromHeader: string | undefined): string | undefined {
  if (!fromHeader) return undefined;
  const header = fromHeader.trim();
  let name: string | undefined;
  const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(header);
  if (quoted) name = quoted[1].replace(/\\(.)/g, '$1');
  else {
    const beforeUri = /^([^<"]+)</.exec(header);
    if (beforeUri) name = beforeUri[1];
  }
  // eslint-disable-next-line no-control-regex
  const cleaned = name?.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned ? cleaned.slice(0, MAX_NAME_LENGTH) : undefined;
}

/**
 * The caller as the agent sees it: its display name when sent (else its number, formatted for
 * people), and its number as the address, E.164 when it is a valid number so that it can be
 * dialled back.
 */
export function phoneCallerParty(attributes: Record<string, string>): Party {
  const raw = (attributes[CALLER_NUMBER_ATTRIBUTE] ?? '').trim();
  const number = raw ? formatForPeople(raw) : 'Unknown caller';
  const address = toE164(raw) ?? toE164(`+${raw}`) ?? (raw || 'unknown');
  const displayName = displayNameOf(attributes[FROM_HEADER_ATTRIBUTE]);
  // A display name that only repeats the number adds nothing.
  const name =
    displayName && displayName.replace(/[^\d]/g, '') !== raw.replace(/[^\d]/g, '')
      ? displayName
      : number;
  return { name, address };
}
