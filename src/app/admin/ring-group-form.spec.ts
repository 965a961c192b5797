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
    queueGreeting: 'welcome.wav',
    queueMusic: 'tone',
  };

  it('turns a group into a draft and back into the same settings', () => {
    const { id: _id, address: _address, ...settings } = group;
    expect(settingsOf(draftOf(group))).toEqual(settings);
  });

  it('waiting audio: empty means none (ringback); a greeting needs music; names are plain files', () => {
    const sales = { ...newDraft(), name: 'sales' };
    expect(settingsOf(sales)).toEqual(
      jasmine.objectContaining({ queueGreeting: null, queueMusic: null }),
    );
    expect(settingsOf({ ...sales, queueMusic: ' music.mp3 ' }).queueMusic).toBe('music.mp3');
    expect(draftProblems({ ...sales, queueGreeting: 'welcome.wav', queueMusic: 'tone' })).toEqual(
      [],
    );
    expect(draftProblems({ ...sales, queueGreeting: 'welcome.wav' })).toEqual([
      'Greeting: needs music after it ("tone" or a file); silence sounds like a dead line',
    ]);
    expect(draftProblems({ ...sales, queueGreeting: '../etc/x.wav', queueMusic: 'Tone' })).toEqual([
      'Greeting: a file name of the media directory, like "welcome.wav"',
      'Music: "tone" or a file name of the media directory, like "music.mp3"',
    ]);
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
