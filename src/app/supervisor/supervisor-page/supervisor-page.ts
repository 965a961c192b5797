import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  type OnDestroy,
  type OnInit,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import { Store } from '@ngrx/store';
import { authFeature } from '../../auth/auth.feature';
import { AgentList } from '../agent-list/agent-list';
import { GroupCard } from '../group-card/group-card';
import { callStatusLabels, LiveCalls } from '../live-calls/live-calls';
import { MonitorTiles } from '../monitor-tiles/monitor-tiles';
import { SupervisorMonitor } from '../supervisor-monitor';
import { SupervisorPageActions } from '../supervisor.actions';
import { supervisorFeature, type CallSort, type CallStatusFilter } from '../supervisor.feature';

export const SUPERVISOR_ROLES = ['supervisor', 'admin'];

/**
 * The supervisor's live view of the tenant: group figures, every live call and every agent,
 * pushed by the feed. Agents who open it are told it is not for them (the server refuses their
 * feed too).
 */
@Component({
  selector: 'app-supervisor-page',
  imports: [
    AgentList,
    GroupCard,
    LiveCalls,
    MatButtonModule,
    MatChipsModule,
    MatFormFieldModule,
    MatSelectModule,
    MonitorTiles,
    RouterLink,
  ],
  templateUrl: './supervisor-page.html',
  styleUrl: './supervisor-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SupervisorPage implements OnInit, OnDestroy {
  private readonly store = inject(Store);
  protected readonly monitorTracks = inject(SupervisorMonitor).tracks;

  private readonly user = this.store.selectSignal(authFeature.selectUser);
  protected readonly allowed = computed(() => SUPERVISOR_ROLES.includes(this.user()?.role ?? ''));
  protected readonly feed = this.store.selectSignal(supervisorFeature.selectFeed);
  protected readonly feedError = this.store.selectSignal(supervisorFeature.selectFeedError);
  protected readonly now = this.store.selectSignal(supervisorFeature.selectNow);
  protected readonly groups = this.store.selectSignal(supervisorFeature.selectGroups);
  protected readonly calls = this.store.selectSignal(supervisorFeature.selectVisibleCalls);
  protected readonly counts = this.store.selectSignal(supervisorFeature.selectCallCounts);
  protected readonly agents = this.store.selectSignal(supervisorFeature.selectAllAgents);
  protected readonly longestWaitingCallId = this.store.selectSignal(
    supervisorFeature.selectLongestWaitingCallId,
  );
  protected readonly groupFilter = this.store.selectSignal(supervisorFeature.selectGroupFilter);
  protected readonly statusFilter = this.store.selectSignal(supervisorFeature.selectStatusFilter);
  protected readonly sort = this.store.selectSignal(supervisorFeature.selectSort);
  protected readonly pendingAgentIds = this.store.selectSignal(
    supervisorFeature.selectPendingAgentIds,
  );
  protected readonly actionError = this.store.selectSignal(supervisorFeature.selectActionError);
  protected readonly monitor = this.store.selectSignal(supervisorFeature.selectMonitor);
  protected readonly availableAgents = this.store.selectSignal(
    supervisorFeature.selectAvailableAgents,
  );
  protected readonly pendingAssignCallIds = this.store.selectSignal(
    supervisorFeature.selectPendingAssignCallIds,
  );
  /** The call being monitored, named as the agents' desks name it: caller, agent, group. */
  protected readonly monitoredCallName = computed(() => {
    const callId = this.monitor()?.callId;
    const call = callId ? this.callEntities()[callId] : undefined;
    if (!call) return 'Monitoring a call';
    const agent = call.answeredBy?.name;
    const group = call.ringGroup?.name;
    return `${call.from.name}${agent ? ` with ${agent}` : ''}${group ? ` · ${group}` : ''}`;
  });
  /** The agent a whisper goes to: whoever answered the call being joined. */
  protected readonly monitoredAgentName = computed(() => {
    const callId = this.monitor()?.callId;
    return (callId && this.callEntities()[callId]?.answeredBy?.name) || 'the agent';
  });
  private readonly callEntities = this.store.selectSignal(supervisorFeature.selectCallEntities);

  protected readonly statuses: { value: CallStatusFilter; label: string }[] = [
    { value: 'all', label: 'All' },
    ...(Object.entries(callStatusLabels) as [CallStatusFilter, string][]).map(([value, label]) => ({
      value,
      label,
    })),
  ];
  protected readonly sorts: { value: CallSort; label: string }[] = [
    { value: 'longest-waiting', label: 'Longest waiting' },
    { value: 'newest', label: 'Newest' },
    { value: 'status', label: 'Status' },
    { value: 'group', label: 'Group' },
    { value: 'caller', label: 'Caller' },
  ];

  ngOnInit(): void {
    if (this.allowed()) this.store.dispatch(SupervisorPageActions.opened());
  }

  ngOnDestroy(): void {
    if (this.allowed()) this.store.dispatch(SupervisorPageActions.closed());
  }

  protected filterByGroup(groupId: string | null): void {
    this.store.dispatch(SupervisorPageActions.groupFilterChanged({ groupId }));
  }

  protected filterByStatus(status: CallStatusFilter): void {
    this.store.dispatch(SupervisorPageActions.statusFilterChanged({ status }));
  }

  protected sortBy(sort: CallSort): void {
    this.store.dispatch(SupervisorPageActions.sortChanged({ sort }));
  }

  protected forceAway(userId: string): void {
    this.store.dispatch(SupervisorPageActions.forceAwayClicked({ userId }));
  }

  protected monitorCall(callId: string): void {
    this.store.dispatch(SupervisorPageActions.monitorClicked({ callId }));
  }

  protected whisperCall(callId: string): void {
    this.store.dispatch(SupervisorPageActions.whisperClicked({ callId }));
  }

  protected bargeCall(callId: string): void {
    this.store.dispatch(SupervisorPageActions.bargeClicked({ callId }));
  }

  protected assignCall({ callId, userId }: { callId: string; userId: string }): void {
    this.store.dispatch(SupervisorPageActions.assignClicked({ callId, userId }));
  }

  protected stopMonitoring(): void {
    this.store.dispatch(SupervisorPageActions.stopMonitoringClicked());
  }
}
