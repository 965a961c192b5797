import { ChangeDetectionStrategy, Component, Injector, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Store } from '@ngrx/store';
import { authFeature } from '../auth/auth.feature';
import { KeyboardShortcutActions } from '../calls/calls.actions';
import {
  selectActiveCall,
  selectOldestRingingCallId,
  selectOutgoingCall,
} from '../calls/calls.selectors';
import { openTransferDialog } from '../calls/transfer-dialog/open-transfer-dialog';
import { mediaFeature } from '../media/media.feature';
import { deskShortcutFor, type DeskShortcut } from './desk-shortcuts';
import { openShortcutHelp } from './shortcut-help/open-shortcut-help';

/**
 * The desk's keyboard: Alt+A/D answer or decline the oldest ringing call, Alt+H/O/M/T act on
 * the current call, `?` lists them. One listener for the whole desk, so no two panels fight
 * over a key; the buttons stay the same the mouse uses (same events, same guards).
 */
@Component({
  selector: 'app-desk-keyboard',
  imports: [MatButtonModule],
  template: `
    <button mat-button type="button" class="shortcuts-help" (click)="showHelp()">
      Keyboard shortcuts <kbd aria-hidden="true">?</kbd>
    </button>
  `,
  styles: `
    :host {
      display: block;
    }
    kbd {
      margin-left: 4px;
      padding: 0 6px;
      border: 1px solid var(--mat-sys-outline);
      border-radius: 4px;
      font: var(--mat-sys-label-medium);
    }
    /* Touch devices have no keyboard to speak of: the hint would only take room. */
    @media (hover: none) {
      :host {
        display: none;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '(document:keydown)': 'handleKey($event)',
  },
})
export class DeskKeyboard {
  private readonly store = inject(Store);
  private readonly injector = inject(Injector);

  private readonly oldestRingingCallId = this.store.selectSignal(selectOldestRingingCallId);
  private readonly activeCall = this.store.selectSignal(selectActiveCall);
  private readonly outgoingCall = this.store.selectSignal(selectOutgoingCall);
  private readonly media = this.store.selectSignal(mediaFeature.selectCallMediaEntities);
  private readonly userId = this.store.selectSignal(authFeature.selectUserId);

  protected showHelp(): Promise<void> {
    return openShortcutHelp(this.injector);
  }

  protected handleKey(event: KeyboardEvent): void {
    const shortcut = deskShortcutFor(event);
    if (shortcut && this.run(shortcut)) event.preventDefault();
  }

  /** Does what the key asks if it applies now; false leaves the key to the browser. */
  private run(shortcut: DeskShortcut): boolean {
    switch (shortcut) {
      case 'accept':
      case 'decline': {
        const callId = this.oldestRingingCallId();
        if (!callId) return false;
        this.store.dispatch(
          shortcut === 'accept'
            ? KeyboardShortcutActions.acceptPressed({ callId })
            : KeyboardShortcutActions.declinePressed({ callId }),
        );
        return true;
      }
      case 'hang-up':
        return this.hangUp();
      case 'hold':
        return this.toggleHold();
      case 'mute':
        return this.toggleMute();
      case 'transfer':
        return this.transfer();
      case 'help':
        void this.showHelp();
        return true;
    }
  }

  private hangUp(): boolean {
    const call = this.activeCall();
    const outgoing = this.outgoingCall();
    const callId =
      call && !call.ended && !call.busy ? call.callId : outgoing?.live ? outgoing.callId : null;
    if (!callId) return false;
    this.store.dispatch(KeyboardShortcutActions.hangUpPressed({ callId }));
    return true;
  }

  private toggleHold(): boolean {
    const call = this.activeCall();
    if (!call || !call.controllable || call.busy) return false;
    const callId = call.callId;
    this.store.dispatch(
      call.held
        ? KeyboardShortcutActions.resumePressed({ callId })
        : KeyboardShortcutActions.holdPressed({ callId }),
    );
    return true;
  }

  /** The microphone the agent is talking into: the consultation's while consulting. */
  private toggleMute(): boolean {
    const call = this.activeCall();
    if (!call || call.ended) return false;
    const transfer = call.transfer;
    const callId =
      transfer?.status === 'consulting' && transfer.consultationCallId
        ? transfer.consultationCallId
        : call.callId;
    const media = this.media()[callId];
    if (!media || (media.connection !== 'connected' && media.connection !== 'reconnecting')) {
      return false;
    }
    this.store.dispatch(
      media.microphoneMuted
        ? KeyboardShortcutActions.unmuteMicrophonePressed({ callId })
        : KeyboardShortcutActions.muteMicrophonePressed({ callId }),
    );
    return true;
  }

  private transfer(): boolean {
    const call = this.activeCall();
    if (!call || !call.controllable || call.busy) return false;
    void openTransferDialog(this.injector, {
      callId: call.callId,
      callerName: call.callerName,
      selfUserId: this.userId(),
      callerAddress: call.callerAddress,
    });
    return true;
  }
}
