import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { DatePipe } from '@angular/common';
import { Store } from '@ngrx/store';
import { selectRecentCalls } from '../calls.selectors';

/** The last few calls that ended, each with its outcome. */
@Component({
  selector: 'app-recent-calls',
  imports: [DatePipe],
  templateUrl: './recent-calls.html',
  styleUrl: './recent-calls.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecentCalls {
  protected readonly calls = inject(Store).selectSignal(selectRecentCalls);
}
