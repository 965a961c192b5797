import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  InjectionToken,
  signal,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { switchMap, timer } from 'rxjs';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatListModule, type MatSelectionListChange } from '@angular/material/list';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Store } from '@ngrx/store';
import type { Party, Presence } from '@switchboard/telephony';
import { TransferDialogActions } from '../calls.actions';
import { DirectoryApi, type DirectoryGroup } from './directory-api';

export interface TransferDialogData {
  callId: string;
  callerName: string;
  /** The agent transferring: not a destination for its own call. */
  selfUserId: string | null;
  /** The caller's own address (an agent calling in): never offered as a destination. */
  callerAddress: string | null;
}

/** How often the open dialog reads the directory again, so who can take a call stays true. */
export const DIRECTORY_REFRESH_MS = new InjectionToken<number>('DIRECTORY_REFRESH_MS', {
  providedIn: 'root',
  factory: () => 3000,
});

/** One place the caller can go: an available agent, or a ring group that can take a call. */
interface Destination extends Party {
  kind: 'agent' | 'group';
  presence: Presence | null;
  /** For a group: what it looks like now ("2 available", "Nobody available · 1 waiting"). */
  groupDetail: string | null;
  /** Someone can answer at once (an available agent, a group with someone available). */
  availableNow: boolean;
}

const presenceLabels: Record<Presence, string> = {
  available: 'Available',
  busy: 'Busy',
  away: 'Away',
  'wrap-up': 'Wrap-up',
  offline: 'Offline',
};

/**
 * Where should the caller go? Offers only who can take a call: available agents (never the
 * agent transferring, never the caller), and ring groups with someone available or someone
 * online to take it from the queue; those who can answer at once come first. The directory is
 * read again while the dialog is open, so someone who steps away drops out of the list (and out
 * of the choice). "Transfer now" hands the caller over at once, "Consult first" talks to the
 * destination while the caller holds.
 */
@Component({
  selector: 'app-transfer-dialog',
  imports: [
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatListModule,
    MatProgressBarModule,
  ],
  templateUrl: './transfer-dialog.html',
  styleUrl: './transfer-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TransferDialog {
  private readonly store = inject(Store);
  private readonly dialogRef = inject(MatDialogRef<TransferDialog>);
  private readonly directoryApi = inject(DirectoryApi);
  protected readonly data = inject<TransferDialogData>(MAT_DIALOG_DATA);

  private readonly refreshMs = inject(DIRECTORY_REFRESH_MS);
  protected readonly directory = rxResource({
    stream: () => timer(0, this.refreshMs).pipe(switchMap(() => this.directoryApi.directory())),
  });
  protected readonly query = signal('');
  private readonly selectedAddress = signal<string | null>(null);
  protected readonly presenceLabels = presenceLabels;

  private readonly destinations = computed((): Destination[] => {
    const listing = this.directory.hasValue() ? this.directory.value() : null;
    if (!listing) return [];
    const agents = listing.agents
      .filter(
        (agent) =>
          agent.presence === 'available' &&
          agent.id !== this.data.selfUserId &&
          agent.address !== this.data.callerAddress,
      )
      .map((agent): Destination => ({
        kind: 'agent',
        ...pick(agent),
        presence: agent.presence,
        groupDetail: null,
        availableNow: true,
      }));
    const groups = listing.groups
      .filter((group) => group.available > 0 || group.online > 0)
      .map((group): Destination => ({
        kind: 'group',
        ...pick(group),
        presence: null,
        groupDetail: groupDetail(group),
        availableNow: group.available > 0,
      }))
      // Groups someone can answer at once first; the order is otherwise the server's (by name).
      .sort((a, b) => Number(b.availableNow) - Number(a.availableNow));
    return [...agents, ...groups];
  });
  /** The chosen destination while it can still take the call. */
  protected readonly selected = computed(
    () => this.destinations().find((d) => d.address === this.selectedAddress()) ?? null,
  );
  private readonly matches = computed(() => {
    const words = this.query().trim().toLowerCase().split(/\s+/).filter(Boolean);
    return this.destinations().filter((destination) => {
      const text = `${destination.name} ${destination.address}`.toLowerCase();
      return words.every((word) => text.includes(word));
    });
  });
  protected readonly agents = computed(() => this.matches().filter((d) => d.kind === 'agent'));
  protected readonly groups = computed(() => this.matches().filter((d) => d.kind === 'group'));
  protected readonly loadError = computed(() =>
    this.directory.error() ? 'Could not load the directory.' : null,
  );

  protected search(query: string): void {
    this.query.set(query);
  }

  protected choose(change: MatSelectionListChange): void {
    const address = change.options.find((option) => option.selected)?.value as string | undefined;
    this.selectedAddress.set(address ?? null);
  }

  protected transferNow(): void {
    const destination = this.chosenParty();
    if (!destination) return;
    this.store.dispatch(
      TransferDialogActions.blindTransferConfirmed({ callId: this.data.callId, destination }),
    );
    this.dialogRef.close(destination);
  }

  protected consultFirst(): void {
    const destination = this.chosenParty();
    if (!destination) return;
    this.store.dispatch(
      TransferDialogActions.warmTransferConfirmed({ callId: this.data.callId, destination }),
    );
    this.dialogRef.close(destination);
  }

  private chosenParty(): Party | null {
    const selected = this.selected();
    return selected ? { name: selected.name, address: selected.address } : null;
  }
}

function pick({ name, address }: Party): Party {
  return { name, address };
}

function groupDetail(group: DirectoryGroup): string {
  const available = group.available > 0 ? `${group.available} available` : 'Nobody available';
  return group.waiting > 0 ? `${available} · ${group.waiting} waiting` : available;
}
