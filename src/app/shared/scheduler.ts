import { InjectionToken } from '@angular/core';
import { asyncScheduler, type SchedulerLike } from 'rxjs';

/** The scheduler effects use for time, so tests can run it virtually. */
export const EFFECTS_SCHEDULER = new InjectionToken<SchedulerLike>('EFFECTS_SCHEDULER', {
  providedIn: 'root',
  factory: () => asyncScheduler,
});
