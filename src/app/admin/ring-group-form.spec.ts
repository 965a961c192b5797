import {
  draftOf,
  draftProblems,
  newDraft,
  parseSkills,
  settingsOf,
  skillsText,
} from './ring-group-form';
import type { RingGroup } from './admin-api';

describe('ring group form', () => {
  const group: RingGroup = {
    id: 'g1',
    name: 'support',
    address: '/group/support',
    members: ['u2', 'u1'],
    strategy: 'longest-idle',
    ringTimeoutSeconds: 15,
    maxWaitSeconds: 300,
    retryIntervalSeconds: 5,
    serviceLevelSeconds: 20,
    overflow: { ringGroupId: 'g2', delaySeconds: 45 },
    businessHours: {
      hours: [{ day: 5, open: '22:00', close: '02:00' }],
      holidays: ['2026-12-25'],
      closed: { action: 'group', ringGroupId: 'g3' },
    },
    wrapUpSeconds: 10,
  };

  it('turns a group into a draft and back into the same settings', () => {
    const { id: _id, address: _address, ...settings } = group;
    expect(settingsOf(draftOf(group))).toEqual(settings);
  });

  it('accepts a new draft once it has a valid name', () => {
    expect(draftProblems(newDraft())).toEqual([
      'Name: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
    ]);
    expect(draftProblems({ ...newDraft(), name: 'sales' })).toEqual([]);
  });

  it('refuses what the server refuses', () => {
    const draft = {
      ...newDraft(),
      name: 'sales',
      ringTimeoutSeconds: 0,
      wrapUpSeconds: 1.5,
      hoursEnabled: true,
      hours: [{ day: 1, open: '08:00', close: '08:00' }],
      holidays: '2026-12-25, 25/12/2026',
      closedAction: 'group' as const,
    };
    expect(draftProblems(draft)).toEqual([
      'Ring timeout: a whole number from 1 to 600',
      'Wrap-up: a whole number from 0 to 3600',
      'Hours: a day cannot open and close at once',
      'Holidays: "25/12/2026" is not a date (YYYY-MM-DD)',
      'When closed: choose the group that takes the calls',
    ]);
  });

  it('sends no overflow and always-open hours when none are chosen', () => {
    const settings = settingsOf({ ...newDraft(), name: 'sales' });
    expect(settings.overflow).toBeNull();
    expect(settings.businessHours).toBeNull();
  });

  it('reads skills as the server takes them, and refuses what it refuses', () => {
    expect(parseSkills('spanish 7, billing:2')).toEqual({
      skills: { spanish: 7, billing: 2 },
      problems: [],
    });
    expect(parseSkills('')).toEqual({ skills: {}, problems: [] });
    expect(parseSkills('Spanish 7, french 11, german').problems.length).toBe(3);
    expect(skillsText({ spanish: 7, billing: 2 })).toBe('spanish 7, billing 2');
  });
});
