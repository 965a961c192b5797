import type { Routes } from '@angular/router';
import { provideEffects } from '@ngrx/effects';
import { provideState } from '@ngrx/store';
import { SupervisorEffects } from './supervisor.effects';
import { supervisorFeature } from './supervisor.feature';
import { SupervisorPage } from './supervisor-page/supervisor-page';

/** Loaded lazily from `/supervisor`: agents never download the supervisor view's code. */
export const supervisorRoutes: Routes = [
  {
    path: '',
    component: SupervisorPage,
    providers: [provideState(supervisorFeature), provideEffects(SupervisorEffects)],
    title: 'Supervisor · Switchboard',
  },
];
