/**
 * Phone numbers for machines (E.164) and for people (international format), through
 * libphonenumber-js with its full metadata, so validity follows each country's real numbering
 * plan rather than a length check. Numbers are always international here: a multi-tenant
 * server has no home country to guess a national number against.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Digits with the punctuation people write, optionally led by "+": a phone number, not an address. */
const PHONE_NUMBER_LIKE = /^\+?[0-9][0-9 ().-]{2,}$/;

/** Whether a dialled address is meant as a phone number ("+1 415 555 0100", "0044 20 …"). */
export const isPhoneNumberLike = (to: string) => PHONE_NUMBER_LIKE.test(to.trim());

/** The E.164 form of a valid international number ("+1 (415) 555-0100" → "+14155550100"), or null. */
export function toE164(input: string): string | null {
  const trimmed = input.trim();
  if (!trimmed.startsWith('+')) return null;
  const parsed = parsePhoneNumberFromString(trimmed);
  return parsed?.isValid() ? parsed.number : null;
}

/**
 * How a caller's number reads on an agent's card: "+1 415 555 0100" for a number the library
 * knows, the text as it came for anything else (an extension, "anonymous", a SIP user).
 */
export function formatForPeople(number: string): string {
  const trimmed = number.trim();
  const parsed = parsePhoneNumberFromString(trimmed.startsWith('+') ? trimmed : `+${trimmed}`);
  if (parsed?.isValid()) return parsed.formatInternational();
  return trimmed;
}
