import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatListModule, type MatSelectionListChange } from '@angular/material/list';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Store } from '@ngrx/store';
import type { Party, Presence } from '../../telephony';
import { TransferDialogActions } from '../calls.actions';
import { DirectoryApi } from './directory-api';

export interface TransferDialogData {
  callId: string;
  callerName: string;
  /** The agent transferring: not a destination for its own call. */
  selfUserId: string | null;
}

/** One place the caller can go: an agent (with presence) or a ring group. */
interface Destination extends Party {
  kind: 'agent' | 'group';
  presence: Presence | null;
}

const presenceLabels: Record<Presence, string> = {
  available: 'Available',
  busy: 'Busy',
  away: 'Away',
  'wrap-up': 'Wrap-up',
  offline: 'Offline',
};

/**
 * Where should the caller go? Searches the tenant's agents (showing whether they can take it)
 * and ring groups; "Transfer now" hands the caller over at once, "Consult first" talks to the
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

  protected readonly directory = rxResource({ stream: () => this.directoryApi.directory() });
  protected readonly query = signal('');
  protected readonly selected = signal<Destination | null>(null);
  protected readonly presenceLabels = presenceLabels;

  private readonly destinations = computed((): Destination[] => {
    const listing = this.directory.hasValue() ? this.directory.value() : null;
    if (!listing) return [];
    return [
      ...listing.agents
        .filter((agent) => agent.id !== this.data.selfUserId)
        .map((agent): Destination => ({ kind: 'agent', ...pick(agent), presence: agent.presence })),
      ...listing.groups.map((group): Destination => ({
        kind: 'group',
        ...pick(group),
        presence: null,
      })),
    ];
  });
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
    this.selected.set(this.destinations().find((d) => d.address === address) ?? null);
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
