/**
 * The person forms' rules, the same the people API checks (server/people/people-routes.ts), so
 * the form says what is wrong before the server has to; what the server still refuses (a
 * reference already taken, the last admin) is shown as it says it.
 */
import type { PersonRole } from './admin-api';

export const ROLES: readonly { value: PersonRole; label: string }[] = [
  { value: 'agent', label: 'Agent' },
  { value: 'supervisor', label: 'Supervisor' },
  { value: 'admin', label: 'Admin' },
];

export interface PersonDraft {
  reference: string;
  name: string;
  role: PersonRole;
  /** Empty: the server generates one and shows it once. */
  password: string;
}

export const newPersonDraft = (): PersonDraft => ({
  reference: '',
  name: '',
  role: 'agent',
  password: '',
});

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function nameProblems(name: string): string[] {
  if (!name.trim()) return ['Name: required'];
  return name.length > 100 ? ['Name: at most 100 characters'] : [];
}

/** Empty is fine (generated); otherwise 8 to 200 characters. */
export function passwordProblems(password: string): string[] {
  if (password === '') return [];
  if (password.length < 8) return ['Password: at least 8 characters, or leave it empty'];
  return password.length > 200 ? ['Password: at most 200 characters'] : [];
}

export function personDraftProblems(draft: PersonDraft): string[] {
  const problems: string[] = [];
  const reference = draft.reference.trim();
  if (!EMAIL.test(reference) || reference.length < 3 || reference.length > 254)
    problems.push('Sign-in email: an address like ada@example.com');
  problems.push(...nameProblems(draft.name));
  if (!ROLES.some((role) => role.value === draft.role)) problems.push('Role: choose one');
  problems.push(...passwordProblems(draft.password));
  return problems;
}

/** What POST /api/people gets: the password only when typed. */
export function createBodyOf(draft: PersonDraft) {
  return {
    reference: draft.reference.trim(),
    name: draft.name.trim(),
    role: draft.role,
    ...(draft.password ? { password: draft.password } : {}),
  };
}
