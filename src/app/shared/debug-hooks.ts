/**
 * `window.__switchboard*`: read-only figures for the e2e tests and benches (media stats, the
 * supervisor's monitor). They exist only where angular.json's `define` sets
 * SWITCHBOARD_DEBUG_HOOKS: development builds (`ng serve`, the e2e build, unit tests) and the
 * `debug-hooks` configuration the media bench adds to its production build. A production build
 * leaves them out altogether (the constant folds to false and the code is dropped).
 */
declare const SWITCHBOARD_DEBUG_HOOKS: boolean | undefined;

export const debugHooksEnabled: boolean =
  typeof SWITCHBOARD_DEBUG_HOOKS !== 'undefined' && SWITCHBOARD_DEBUG_HOOKS === true;

/** Puts `hook` on `window[name]` in builds that have debug hooks; does nothing otherwise. */
export function exposeDebugHook(name: `__switchboard${string}`, hook: unknown): void {
  if (debugHooksEnabled) (globalThis as Record<string, unknown>)[name] = hook;
}
