import { Injectable } from '@angular/core';

const KEY = 'switchboard.online';

/**
 * Whether the agent wanted this tab online, kept in sessionStorage (per tab, like the sign-in):
 * a reload, or the tab reopened after a crash, comes back online by itself.
 */
@Injectable({ providedIn: 'root' })
export class OnlineChoice {
  wasOnline(): boolean {
    try {
      return sessionStorage.getItem(KEY) === 'yes';
    } catch (error) {
      console.warn('[session] sessionStorage refused: the agent comes online by hand', error);
      return false;
    }
  }

  remember(online: boolean): void {
    try {
      if (online) sessionStorage.setItem(KEY, 'yes');
      else sessionStorage.removeItem(KEY);
    } catch (error) {
      console.warn('[session] could not remember the online choice', error);
    }
  }
}
