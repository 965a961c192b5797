import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  ElementRef,
  inject,
  signal,
  viewChild,
  type OnInit,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Store } from '@ngrx/store';
import type { Chart } from 'chart.js';
import { authFeature } from '../../auth/auth.feature';
import { apiErrorMessage } from '../../history/history-api';
import { localDate } from '../../history/history-labels';
import { reportColumns, reportCsv } from '../report-columns';
import {
  ReportsApi,
  type Report,
  type ReportBy,
  type ReportInterval,
  type ReportRow,
} from '../reports-api';

const SUPERVISOR_ROLES = ['supervisor', 'admin'];
const DAY_MS = 86_400_000;

/**
 * Historical reports for supervisors and admins: per interval and group (or agent), as a chart
 * and a table, with a CSV of exactly the table. Days are the tenant's (its time zone is shown).
 */
@Component({
  selector: 'app-reports-page',
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  templateUrl: './reports-page.html',
  styleUrl: './reports-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReportsPage implements OnInit {
  private readonly api = inject(ReportsApi);
  private readonly destroyRef = inject(DestroyRef);
  private readonly user = inject(Store).selectSignal(authFeature.selectUser);
  private readonly canvas = viewChild<ElementRef<HTMLCanvasElement>>('chart');
  private chart: Chart | null = null;

  protected readonly allowed = computed(() => SUPERVISOR_ROLES.includes(this.user()?.role ?? ''));
  protected readonly admin = computed(() => this.user()?.role === 'admin');
  /** Every IANA zone this browser knows, for the admin's time zone field. */
  protected readonly timeZones = Intl.supportedValuesOf('timeZone');
  protected readonly timeZoneDraft = signal('');
  protected readonly timeZoneError = signal<string | null>(null);

  protected readonly fromDate = signal(localDate(Date.now() - 6 * DAY_MS));
  protected readonly toDate = signal(localDate(Date.now()));
  protected readonly interval = signal<ReportInterval>('day');
  protected readonly by = signal<ReportBy>('group');
  protected readonly groupId = signal('');
  protected readonly groups = signal<{ id: string; name: string }[]>([]);

  protected readonly report = signal<Report | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly columns = computed(() => reportColumns(this.report()?.by ?? 'group'));
  protected readonly rows = computed<ReportRow[]>(() => this.report()?.rows ?? []);

  constructor() {
    // Redraw whenever a new report arrives and its canvas is on the page.
    effect(() => {
      const canvas = this.canvas()?.nativeElement;
      const rows = this.rows();
      if (canvas && rows.length > 0) void this.draw(canvas, rows);
    });
    this.destroyRef.onDestroy(() => this.chart?.destroy());
  }

  ngOnInit(): void {
    if (!this.allowed()) return;
    this.api
      .groups()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ next: ({ groups }) => this.groups.set(groups), error: () => {} });
    this.load();
  }

  protected load(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api
      .report({
        from: this.fromDate(),
        to: this.toDate(),
        interval: this.interval(),
        by: this.by(),
        groupId: this.groupId() || undefined,
      })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (report) => {
          this.report.set(report);
          this.timeZoneDraft.set(report.timeZone);
          this.loading.set(false);
        },
        error: (error: unknown) => {
          this.loading.set(false);
          this.error.set(apiErrorMessage(error));
        },
      });
  }

  /** Admins: the tenant's day boundaries move to another zone; the report is read again. */
  protected saveTimeZone(): void {
    this.timeZoneError.set(null);
    this.api
      .setTimeZone(this.timeZoneDraft().trim())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: () => this.load(),
        error: (error: unknown) => this.timeZoneError.set(apiErrorMessage(error)),
      });
  }

  protected downloadCsv(): void {
    const report = this.report();
    if (!report) return;
    const blob = new Blob([reportCsv(this.columns(), report.rows)], {
      type: 'text/csv;charset=utf-8',
    });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `switchboard-report-${report.by}-${report.interval}-${report.from}-${report.to}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  /** Offered, answered and abandoned calls per interval, summed over the rows shown. */
  private async draw(canvas: HTMLCanvasElement, rows: ReportRow[]): Promise<void> {
    const { default: ChartJs } = await import('chart.js/auto');
    const labels = [...new Set(rows.map((row) => row.label))];
    const sum = (pick: (row: ReportRow) => number) =>
      labels.map((label) =>
        rows.filter((row) => row.label === label).reduce((total, row) => total + pick(row), 0),
      );
    this.chart?.destroy();
    this.chart = new ChartJs(canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'Offered', data: sum((row) => row.offered) },
          { label: 'Answered', data: sum((row) => row.answered) },
          { label: 'Abandoned', data: sum((row) => row.abandoned) },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false },
    });
  }
}
