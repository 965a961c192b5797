import type { Routes } from '@angular/router';
import { AdminPage } from './admin-page/admin-page';

/** Loaded lazily from `/admin`, for admins (the server refuses everyone else too). */
export const adminRoutes: Routes = [
  { path: '', component: AdminPage, title: 'Admin · Switchboard' },
];
