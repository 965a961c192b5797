import type { Routes } from '@angular/router';
import { ReportsPage } from './reports-page/reports-page';

/** Loaded lazily from `/reports`; its chart library loads only when a chart is drawn. */
export const reportsRoutes: Routes = [
  { path: '', component: ReportsPage, title: 'Reports · Switchboard' },
];
