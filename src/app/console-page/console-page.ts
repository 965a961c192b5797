import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { ActiveCallPanel } from '../calls/active-call-panel/active-call-panel';
import { DialBox } from '../calls/dial-box/dial-box';
import { DeskKeyboard } from '../desk-keyboard/desk-keyboard';
import { RecentCalls } from '../calls/recent-calls/recent-calls';
import { RingingQueue } from '../calls/ringing-queue/ringing-queue';
import { VideoCallsToggle } from '../media/video-calls-toggle/video-calls-toggle';
import { OnlineToggle } from '../session/online-toggle/online-toggle';
import { MissedCallBanner } from '../session/missed-call-banner/missed-call-banner';
import { PresenceSelect } from '../session/presence-select/presence-select';
import { QueueView } from '../queues/queue-view/queue-view';
import { WrapUpPanel } from '../wrap-up/wrap-up-panel/wrap-up-panel';

/** The agent's console: status, the ringing queue, the call in progress, and the Call box. */
@Component({
  selector: 'app-console-page',
  imports: [
    MatCardModule,
    ActiveCallPanel,
    DeskKeyboard,
    DialBox,
    MissedCallBanner,
    OnlineToggle,
    PresenceSelect,
    QueueView,
    RecentCalls,
    RingingQueue,
    VideoCallsToggle,
    WrapUpPanel,
  ],
  templateUrl: './console-page.html',
  styleUrl: './console-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConsolePage {}
