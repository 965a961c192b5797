import {
  createBodyOf,
  nameProblems,
  newPersonDraft,
  passwordProblems,
  personDraftProblems,
} from './people-form';

describe('person form', () => {
  const valid = { reference: 'ada@example.com', name: 'Ada', role: 'agent' as const, password: '' };

  it('accepts what the server accepts', () => {
    expect(personDraftProblems(valid)).toEqual([]);
    expect(personDraftProblems({ ...valid, password: '12345678', role: 'admin' })).toEqual([]);
  });

  it('refuses what the server refuses, saying which field', () => {
    expect(personDraftProblems(newPersonDraft())).toEqual([
      'Sign-in email: an address like ada@example.com',
      'Name: required',
    ]);
    expect(personDraftProblems({ ...valid, reference: 'ada' })).toEqual([
      'Sign-in email: an address like ada@example.com',
    ]);
    expect(personDraftProblems({ ...valid, role: 'owner' as never })).toEqual(['Role: choose one']);
    expect(nameProblems('   ')).toEqual(['Name: required']);
    expect(nameProblems('x'.repeat(101))).toEqual(['Name: at most 100 characters']);
    expect(passwordProblems('short')).toEqual([
      'Password: at least 8 characters, or leave it empty',
    ]);
    expect(passwordProblems('x'.repeat(201))).toEqual(['Password: at most 200 characters']);
  });

  it('sends a password only when one was typed, and trims the rest', () => {
    expect(createBodyOf({ ...valid, reference: ' ada@example.com ', name: ' Ada ' })).toEqual({
      reference: 'ada@example.com',
      name: 'Ada',
      role: 'agent',
    });
    expect(createBodyOf({ ...valid, password: 'secret-1' }).password).toBe('secret-1');
  });
});
