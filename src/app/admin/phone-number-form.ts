/**
 * The phone number form's model and its checks, mirroring the phone-numbers API's schema
 * (server/phone-numbers/schemas.ts) so a mistake is shown before anything is sent. What only the
 * server knows (a number invalid for its country's plan, one another tenant has, a media file
 * that does not exist) is shown as it says it.
 */
import type {
  PhoneDestinationInput,
  PhoneNumber,
  PhoneNumberChanges,
  ScriptStep,
} from './admin-api';
import { parseSkills, skillsText } from './ring-group-form';

export type DestinationType = PhoneDestinationInput['type'];

export const DESTINATION_TYPES: readonly { value: DestinationType; label: string }[] = [
  { value: 'group', label: 'Ring group' },
  { value: 'user', label: 'Person' },
  { value: 'script', label: 'Recorded announcement (script)' },
];

/** What people write around a number, as the server allows it. */
const NUMBER = /^\+[0-9 ().-]+$/;
const MAX_SCRIPT_STEPS = 20;

export interface PhoneNumberDraft {
  /** Only when adding: the number itself never changes. */
  number: string;
  label: string;
  type: DestinationType;
  ringGroupId: string;
  userId: string;
  /** "spanish 7, billing 2": what a call to the number requires (group or person only). */
  skills: string;
  /** The script's steps as JSON, e.g. [{"play": "closed.wav"}]. */
  script: string;
  /** This number is the tenant's caller ID for outbound calls. */
  callerId: boolean;
}

export const EXAMPLE_SCRIPT = '[{ "play": "welcome.wav" }]';

export const newPhoneNumberDraft = (): PhoneNumberDraft => ({
  number: '',
  label: '',
  type: 'group',
  ringGroupId: '',
  userId: '',
  skills: '',
  script: EXAMPLE_SCRIPT,
  callerId: false,
});

export function draftOfPhoneNumber(phoneNumber: PhoneNumber): PhoneNumberDraft {
  const destination = phoneNumber.destination;
  const draft: PhoneNumberDraft = {
    ...newPhoneNumberDraft(),
    number: phoneNumber.display,
    label: phoneNumber.label,
    callerId: phoneNumber.callerId,
  };
  // A number whose group or person was deleted routes nowhere: the admin picks anew.
  if (destination === null) return draft;
  if (destination.type === 'script')
    return { ...draft, type: 'script', script: JSON.stringify(destination.script) };
  return {
    ...draft,
    type: destination.type,
    ringGroupId: destination.type === 'group' ? destination.ringGroupId : '',
    userId: destination.type === 'user' ? destination.userId : '',
    skills: skillsText(destination.skills ?? {}),
  };
}

/** The script's steps, or why they cannot be read; the server checks each step's rules. */
function parseScript(text: string): { script: ScriptStep[] | null; problem: string | null } {
  const problem =
    'Script: a JSON list of 1 to 20 steps, e.g. [{ "play": "closed.wav" }, { "pause": 1 }]';
  let script: unknown;
  try {
    script = JSON.parse(text);
  } catch {
    return { script: null, problem };
  }
  const valid =
    Array.isArray(script) &&
    script.length >= 1 &&
    script.length <= MAX_SCRIPT_STEPS &&
    script.every((step) => typeof step === 'object' && step !== null && !Array.isArray(step));
  return valid ? { script: script as ScriptStep[], problem: null } : { script: null, problem };
}

/**
 * The problems the server would refuse, in its words where it can; empty when none.
 * `adding`: the number is checked only when it is being added.
 */
export function phoneNumberProblems(draft: PhoneNumberDraft, adding: boolean): string[] {
  const problems: string[] = [];
  const number = draft.number.trim();
  if (adding && (!NUMBER.test(number) || number.length > 32 || !/[0-9]/.test(number)))
    problems.push('Number: "+", the country code and the number, e.g. +1 415 555 0100');
  if (draft.label.length > 80) problems.push('Label: at most 80 characters');
  if (draft.type === 'group' && !draft.ringGroupId)
    problems.push('Ring group: choose the group that takes the calls');
  if (draft.type === 'user' && !draft.userId) problems.push('Person: choose who takes the calls');
  if (draft.type === 'script') {
    const { problem } = parseScript(draft.script);
    if (problem) problems.push(problem);
  } else {
    const { skills, problems: skillProblems } = parseSkills(draft.skills);
    problems.push(...skillProblems);
    if (Object.keys(skills).length > 20) problems.push('Skills: at most 20');
  }
  return problems;
}

function destinationOf(draft: PhoneNumberDraft): PhoneDestinationInput {
  if (draft.type === 'script') return { type: 'script', script: parseScript(draft.script).script! };
  const { skills } = parseSkills(draft.skills);
  const required = Object.keys(skills).length > 0 ? { skills } : {};
  return draft.type === 'group'
    ? { type: 'group', ringGroupId: draft.ringGroupId, ...required }
    : { type: 'user', userId: draft.userId, ...required };
}

/** What PATCH /api/phone-numbers/:id gets (only for a draft without problems). */
export function changesOf(draft: PhoneNumberDraft): PhoneNumberChanges {
  return { label: draft.label.trim(), destination: destinationOf(draft), callerId: draft.callerId };
}

/** What POST /api/phone-numbers gets: the caller-ID mark only when asked for. */
export function createBodyOf(draft: PhoneNumberDraft): PhoneNumberChanges & { number: string } {
  return {
    number: draft.number.trim(),
    label: draft.label.trim(),
    destination: destinationOf(draft),
    ...(draft.callerId ? { callerId: true } : {}),
  };
}

/** How the list shows where a number's calls go. */
export function destinationText(phoneNumber: PhoneNumber): string {
  const destination = phoneNumber.destination;
  if (destination === null) return 'Nowhere: its group or person was deleted';
  if (destination.type === 'script') return 'Announcement (script)';
  const skills = skillsText(destination.skills ?? {});
  return `${destination.name} (${destination.address})${skills ? ` · needs ${skills}` : ''}`;
}
