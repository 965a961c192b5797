import type { Routes } from '@angular/router';
import { signedInGuard, signedOutGuard } from './auth/signed-in.guard';
import { SignInPage } from './auth/sign-in-page/sign-in-page';
import { ConsolePage } from './console-page/console-page';

export const routes: Routes = [
  {
    path: 'sign-in',
    component: SignInPage,
    canActivate: [signedOutGuard],
    title: 'Sign in · Switchboard',
  },
  {
    path: 'supervisor',
    canActivate: [signedInGuard],
    loadChildren: () => import('./supervisor/supervisor.routes').then((m) => m.supervisorRoutes),
  },
  {
    path: 'history',
    canActivate: [signedInGuard],
    loadChildren: () => import('./history/history.routes').then((m) => m.historyRoutes),
  },
  {
    path: 'reports',
    canActivate: [signedInGuard],
    loadChildren: () => import('./reports/reports.routes').then((m) => m.reportsRoutes),
  },
  {
    path: 'admin',
    canActivate: [signedInGuard],
    loadChildren: () => import('./admin/admin.routes').then((m) => m.adminRoutes),
  },
  { path: '', component: ConsolePage, canActivate: [signedInGuard], title: 'Switchboard' },
  { path: '**', redirectTo: '' },
];
