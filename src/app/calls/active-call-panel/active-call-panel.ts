import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterRenderEffect,
  computed,
  inject,
  viewChild,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { ofType } from '@ngrx/effects';
import { ActionsSubject, Store } from '@ngrx/store';
import { map } from 'rxjs';
import { authFeature } from '../../auth/auth.feature';
import { CallMedia } from '../../media/call-media/call-media';
import { MediaControls } from '../../media/media-controls/media-controls';
import { formatDuration, isPhoneNumber } from '../call-outcome';
import { ActiveCallActions, KeyboardShortcutActions, RingingCardActions } from '../calls.actions';
import { CallerCallPanel } from '../caller-call-panel/caller-call-panel';
import {
  ON_HOLD_TEXT,
  selectActiveCall,
  selectOutgoingCall,
  type ActiveCallView,
} from '../calls.selectors';
import { ConsultationParties } from '../consultation-parties/consultation-parties';
import { HoldBadge } from '../hold-badge/hold-badge';
import { openTransferDialog } from '../transfer-dialog/open-transfer-dialog';

/**
 * The call this agent is on: caller, status, talk time, its audio and video, hold, transfer
 * (with the consultation of a warm transfer), and the way out; every control in one bar. With
 * no answered call, the call this console placed, from the caller's side.
 */
@Component({
  selector: 'app-active-call-panel',
  imports: [
    MatButtonModule,
    MatCardModule,
    CallMedia,
    CallerCallPanel,
    ConsultationParties,
    MediaControls,
    HoldBadge,
  ],
  templateUrl: './active-call-panel.html',
  styleUrl: './active-call-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ActiveCallPanel {
  private readonly store = inject(Store);
  private readonly injector = inject(Injector);
  private readonly userId = this.store.selectSignal(authFeature.selectUserId);

  protected readonly call = this.store.selectSignal(selectActiveCall);
  /** The call this console placed: shown here when no answered call takes the place. */
  protected readonly callerCall = this.store.selectSignal(selectOutgoingCall);
  protected readonly onHoldText = ON_HOLD_TEXT;
  /** A phone caller (E.164) gets the in-call keypad. */
  protected readonly isPhoneNumber = isPhoneNumber;
  protected readonly talkTime = computed(() => formatDuration(this.call()?.talkSeconds ?? 0));

  /** The call this tab last accepted: once it is the current call, focus moves onto it. */
  private readonly acceptedCallId = toSignal(
    inject(ActionsSubject).pipe(
      ofType(RingingCardActions.acceptClicked, KeyboardShortcutActions.acceptPressed),
      map(({ callId }) => callId),
    ),
    { initialValue: null },
  );
  private readonly callCard = viewChild<string, ElementRef<HTMLElement>>('callCard', {
    read: ElementRef,
  });
  private focusedCallId: string | null = null;

  constructor() {
    // Accept moves focus to the call (its card is announced by name), so the next Tab reaches
    // its controls; the ringing card the agent was on is gone by then.
    afterRenderEffect(() => {
      const callId = this.call()?.callId;
      const card = this.callCard()?.nativeElement;
      if (!card || !callId || callId !== this.acceptedCallId() || callId === this.focusedCallId) {
        return;
      }
      this.focusedCallId = callId;
      card.focus();
    });
  }

  protected hangUp(callId: string): void {
    this.store.dispatch(ActiveCallActions.hangUpClicked({ callId }));
  }

  protected holdCall(callId: string): void {
    this.store.dispatch(ActiveCallActions.holdClicked({ callId }));
  }

  protected resumeCall(callId: string): void {
    this.store.dispatch(ActiveCallActions.resumeClicked({ callId }));
  }

  /** The dialog dispatches the agent's choice itself; nothing comes back here. */
  protected openTransferDialog(call: ActiveCallView): Promise<void> {
    return openTransferDialog(this.injector, {
      callId: call.callId,
      callerName: call.callerName,
      selfUserId: this.userId(),
      callerAddress: call.callerAddress,
    });
  }
}
