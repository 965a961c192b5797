import type { Routes } from '@angular/router';
import { HistoryPage } from './history-page/history-page';

/** Loaded lazily from `/history`. */
export const historyRoutes: Routes = [
  { path: '', component: HistoryPage, title: 'History · Switchboard' },
];
