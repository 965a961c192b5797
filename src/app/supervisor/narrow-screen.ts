import { BreakpointObserver } from '@angular/cdk/layout';
import { inject, type Signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { map } from 'rxjs';

/** Below this width the supervisor's tables turn each row into a small card. */
export const NARROW_SCREEN_QUERY = '(max-width: 599.98px)';

/**
 * Whether the screen is phone-sized. The tables need it in code, not only in CSS: their virtual
 * scroll must know the height of a row, which doubles when a row becomes a card.
 */
export function narrowScreen(): Signal<boolean> {
  const observer = inject(BreakpointObserver);
  return toSignal(observer.observe(NARROW_SCREEN_QUERY).pipe(map((state) => state.matches)), {
    initialValue: observer.isMatched(NARROW_SCREEN_QUERY),
  });
}
