import type { PhoneNumber } from './admin-api';
import {
  changesOf,
  createBodyOf,
  destinationText,
  draftOfPhoneNumber,
  newPhoneNumberDraft,
  phoneNumberProblems,
} from './phone-number-form';

describe('phone number form', () => {
  const toGroup: PhoneNumber = {
    id: 'n1',
    number: '+14155550100',
    display: '+1 415 555 0100',
    label: 'Support line',
    destination: {
      type: 'group',
      ringGroupId: 'g1',
      name: 'support',
      address: '/group/support',
      skills: { spanish: 7 },
    },
    callerId: true,
    createdAt: 1,
  };

  it('turns a number into a draft and back into the same route', () => {
    const draft = draftOfPhoneNumber(toGroup);
    expect(draft.number).toBe('+1 415 555 0100');
    expect(phoneNumberProblems(draft, false)).toEqual([]);
    expect(changesOf(draft)).toEqual({
      label: 'Support line',
      destination: { type: 'group', ringGroupId: 'g1', skills: { spanish: 7 } },
      callerId: true,
    });
    const script = [{ play: 'closed.wav' }, { hangup: true as const }];
    const announcement = draftOfPhoneNumber({
      ...toGroup,
      destination: { type: 'script', script },
    });
    expect(changesOf(announcement).destination).toEqual({ type: 'script', script });
  });

  it('a number whose group was deleted opens with nothing chosen, and says so in the list', () => {
    const orphan = { ...toGroup, destination: null };
    expect(phoneNumberProblems(draftOfPhoneNumber(orphan), false)).toEqual([
      'Ring group: choose the group that takes the calls',
    ]);
    expect(destinationText(orphan)).toBe('Nowhere: its group or person was deleted');
    expect(destinationText(toGroup)).toBe('support (/group/support) · needs spanish 7');
  });

  it('adds a number: sends it as typed (the server stores E.164), skills only when given', () => {
    const draft = {
      ...newPhoneNumberDraft(),
      number: ' +44 20 7946 0000 ',
      type: 'user' as const,
      userId: 'u1',
    };
    expect(phoneNumberProblems(draft, true)).toEqual([]);
    expect(createBodyOf(draft)).toEqual({
      number: '+44 20 7946 0000',
      label: '',
      destination: { type: 'user', userId: 'u1' },
    });
    expect(createBodyOf({ ...draft, callerId: true }).callerId).toBe(true);
  });

  it('refuses what the server refuses, saying which field', () => {
    const draft = newPhoneNumberDraft();
    expect(phoneNumberProblems({ ...draft, ringGroupId: 'g1' }, true)).toEqual([
      'Number: "+", the country code and the number, e.g. +1 415 555 0100',
    ]);
    // A number is only checked when added: it never changes afterwards.
    expect(phoneNumberProblems({ ...draft, ringGroupId: 'g1' }, false)).toEqual([]);
    for (const number of ['4155550100', '+', '+1 415 555 0100 ext 2', `+${'1'.repeat(32)}`])
      expect(phoneNumberProblems({ ...draft, number, ringGroupId: 'g1' }, true).length)
        .withContext(number)
        .toBe(1);
    expect(phoneNumberProblems({ ...draft, type: 'user', label: 'x'.repeat(81) }, false)).toEqual([
      'Label: at most 80 characters',
      'Person: choose who takes the calls',
    ]);
    expect(
      phoneNumberProblems({ ...draft, ringGroupId: 'g1', skills: 'Spanish 11' }, false)[0],
    ).toContain('"Spanish 11"');
    for (const script of ['', 'not json', '[]', '{"play":"a.wav"}', '[1]', '[[]]'])
      expect(phoneNumberProblems({ ...draft, type: 'script', script }, false))
        .withContext(script)
        .toEqual([
          'Script: a JSON list of 1 to 20 steps, e.g. [{ "play": "closed.wav" }, { "pause": 1 }]',
        ]);
  });
});
