/**
 * The media script of a server-side call (`POST /api/calls` `script`): a short list of steps
 * that a server-side participant runs in the call's room once an agent answers.
 *
 *   [{ "play": "test-pattern", "seconds": 10 }, { "pause": 1 }, { "play": "hello.webm" }, { "hangup": true }]
 *
 * Two layers, both before anything is created: the TypeBox schema (in the route's body, so it
 * is documented in /api/docs) refuses unknown fields, wrong types, too many steps and too long
 * durations; `parseScript` then applies the rules between fields (one operation per step, which
 * fields go with which) with a message naming the step, and returns the typed plan.
 */
import { Type, type Static } from 'typebox';
import { AppError } from '../shared/errors.ts';

/** At most this many steps per script. */
export const MAX_SCRIPT_STEPS = 20;
/** One play or pause lasts at most this long. */
export const MAX_STEP_SECONDS = 300;
/** All steps together last at most this long (a file without `seconds` counts as MAX_STEP_SECONDS). */
export const MAX_SCRIPT_SECONDS = 900;

export const TEST_PATTERN = 'test-pattern';
/** The music on hold that is generated (two notes) rather than a file: ring groups' queueMusic. */
export const BUILT_IN_MUSIC = 'tone';

/** A file name in the media directory: no folders, no dot files, a known media extension. */
export const MEDIA_FILE_NAME =
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(webm|mkv|mp4|m4v|mov|ogg|ogv|oga|opus|wav|mp3|m4a)$/;

const seconds = (description: string) =>
  Type.Number({ exclusiveMinimum: 0, maximum: MAX_STEP_SECONDS, description });

/**
 * One step. Exactly one of `play`, `pause`, `hangup`; `seconds` only with `play`. One object
 * schema rather than a union so that a mistake gets one precise message, not one per variant.
 */
export const ScriptStep = Type.Object(
  {
    play: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 120,
        description:
          '"test-pattern" (generated colour bars with moving parts and a frame counter, plus a ' +
          '440 Hz tone; needs `seconds`) or the name of a file in the media directory ' +
          '(SCRIPT_MEDIA_DIR), e.g. "welcome.webm"',
      }),
    ),
    seconds: Type.Optional(
      seconds(
        `With play: how long to play, up to ${MAX_STEP_SECONDS} s (a file defaults to its length)`,
      ),
    ),
    pause: Type.Optional(seconds('Send nothing for this many seconds')),
    hangup: Type.Optional(
      Type.Literal(true, { description: 'Hang the call up now (only as the last step)' }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'One of {play, seconds?}, {pause}, {hangup: true}',
  },
);
export type ScriptStep = Static<typeof ScriptStep>;

export const MediaScript = Type.Array(ScriptStep, {
  minItems: 1,
  maxItems: MAX_SCRIPT_STEPS,
  description:
    'Played into the call by a server-side participant once an agent answers; the call is hung ' +
    'up when the script ends. Steps: {"play":"test-pattern","seconds":N}, ' +
    '{"play":"<file>","seconds"?:N}, {"pause":N}, {"hangup":true}. ' +
    `At most ${MAX_SCRIPT_STEPS} steps, ${MAX_STEP_SECONDS} s per step, ${MAX_SCRIPT_SECONDS} s in all.`,
});
export type MediaScript = Static<typeof MediaScript>;

/** A checked step, as the runner executes it. */
export type PlanStep =
  | { kind: 'test-pattern'; seconds: number }
  | { kind: 'file'; name: string; seconds?: number }
  | { kind: 'pause'; seconds: number }
  | { kind: 'hangup' };

const refuse = (index: number, problem: string) =>
  new AppError('bad-request', `body/script/${index} ${problem}`);

function planStep(step: ScriptStep, index: number, last: boolean): PlanStep {
  const operations = (['play', 'pause', 'hangup'] as const).filter((key) => key in step);
  if (operations.length !== 1)
    throw refuse(
      index,
      operations.length === 0
        ? 'must set one of "play", "pause", "hangup"'
        : `must set only one of ${operations.map((key) => `"${key}"`).join(', ')}`,
    );
  const [operation] = operations;
  if (operation !== 'play' && step.seconds !== undefined)
    throw refuse(index, `has "seconds", which only goes with "play"`);
  if (operation === 'pause') return { kind: 'pause', seconds: step.pause! };
  if (operation === 'hangup') {
    if (!last)
      throw refuse(index, 'hangup must be the last step (the steps after it would never run)');
    return { kind: 'hangup' };
  }
  const name = step.play!;
  if (name === TEST_PATTERN) {
    if (step.seconds === undefined)
      throw refuse(index, 'play "test-pattern" needs "seconds" (how long to play it)');
    return { kind: 'test-pattern', seconds: step.seconds };
  }
  if (!MEDIA_FILE_NAME.test(name))
    throw refuse(
      index,
      `play must be "test-pattern" or a media file name like "welcome.webm" (letters, digits, ` +
        `".", "_", "-"; no folders; .webm, .mkv, .mp4, .m4v, .mov, .ogg, .ogv, .oga, .opus, .wav, .mp3, .m4a), got ${JSON.stringify(name)}`,
    );
  return step.seconds === undefined
    ? { kind: 'file', name }
    : { kind: 'file', name, seconds: step.seconds };
}

/** Longest time a plan can take, in seconds. */
export function maxPlanSeconds(plan: PlanStep[]): number {
  return plan.reduce((total, step) => {
    if (step.kind === 'hangup') return total;
    if (step.kind === 'file') return total + (step.seconds ?? MAX_STEP_SECONDS);
    return total + step.seconds;
  }, 0);
}

/** The rules between fields; throws a 400 AppError naming the step. Assumes the schema passed. */
export function parseScript(script: MediaScript): PlanStep[] {
  const plan = script.map((step, index) => planStep(step, index, index === script.length - 1));
  const total = maxPlanSeconds(plan);
  if (total > MAX_SCRIPT_SECONDS)
    throw new AppError(
      'bad-request',
      `body/script lasts up to ${total} s, more than ${MAX_SCRIPT_SECONDS} s ` +
        `(a file without "seconds" counts as ${MAX_STEP_SECONDS} s)`,
    );
  return plan;
}

/** Whether the plan needs the encoder (everything but pauses and hangups does). */
export const needsEncoder = (plan: PlanStep[]) =>
  plan.some((step) => step.kind === 'test-pattern' || step.kind === 'file');

/** The media files a plan plays. */
export const planFiles = (plan: PlanStep[]) =>
  plan.flatMap((step) => (step.kind === 'file' ? [step.name] : []));
