import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  InjectionToken,
  signal,
} from '@angular/core';
import { rxResource, takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Actions, ofType } from '@ngrx/effects';
import { filter, switchMap, take, timer } from 'rxjs';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatListModule, type MatSelectionListChange } from '@angular/material/list';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Store } from '@ngrx/store';
import type { Party, Presence, RequiredSkills } from '@switchboard/telephony';
import { CallsApiActions, TransferDialogActions } from '../calls.actions';
import { DirectoryApi, type DirectoryGroup } from './directory-api';
import { RequiredSkillsPicker } from './required-skills-picker/required-skills-picker';

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

/**
 * One place the caller can go: an available agent, a ring group that can take a call, or a phone
 * number typed into the search (through LiveKit SIP; the server checks the number and says why
 * when it cannot dial it).
 */
interface Destination extends Party {
  kind: 'agent' | 'group' | 'phone';
  presence: Presence | null;
  /** For a group: what it looks like now ("2 available", "Nobody available · 1 waiting"). */
  groupDetail: string | null;
  /** Someone can answer at once (an available agent, a group with someone available). */
  availableNow: boolean;
}

/**
 * What looks like an international number ("+1 415 555 0142"): a + and at least 8 digits, with
 * the spaces, dots, dashes and brackets people type. The server validates it for real; this only
 * decides whether to offer it, so a name or a short code is never offered as a number.
 */
const PHONE_NUMBER = /^\+[\d\s().-]+$/;
const MIN_PHONE_DIGITS = 8;

function typedPhoneNumber(query: string): Destination | null {
  const typed = query.trim();
  if (!PHONE_NUMBER.test(typed) || typed.replace(/\D/g, '').length < MIN_PHONE_DIGITS) return null;
  return {
    kind: 'phone',
    name: typed,
    address: typed,
    presence: null,
    groupDetail: null,
    availableNow: false,
  };
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
 * destination while the caller holds; to a group, either may require skills of whoever is rung.
 * A phone number typed into the search is offered too (blind: the phone network takes the call
 * over; consult first: the agent talks to the number, then joins it to the caller).
 * The dialog stays open until the server took the transfer, and shows its refusal otherwise.
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
    RequiredSkillsPicker,
  ],
  templateUrl: './transfer-dialog.html',
  styleUrl: './transfer-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TransferDialog {
  private readonly store = inject(Store);
  private readonly dialogRef = inject(MatDialogRef<TransferDialog>);
  private readonly directoryApi = inject(DirectoryApi);
  private readonly actions$ = inject(Actions);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly data = inject<TransferDialogData>(MAT_DIALOG_DATA);

  private readonly refreshMs = inject(DIRECTORY_REFRESH_MS);
  protected readonly directory = rxResource({
    stream: () => timer(0, this.refreshMs).pipe(switchMap(() => this.directoryApi.directory())),
  });
  protected readonly query = signal('');
  private readonly selectedAddress = signal<string | null>(null);
  protected readonly presenceLabels = presenceLabels;
  /** The skills a transfer to the chosen group requires (none: anyone in it). */
  protected readonly requiredSkills = signal<RequiredSkills>({});
  /** The transfer went to the server and its answer is awaited. */
  protected readonly sending = signal(false);
  /** The server's refusal, in its own words. */
  protected readonly refusal = signal<string | null>(null);
  protected readonly tenantSkills = computed(() =>
    this.directory.hasValue() ? (this.directory.value()?.skills ?? []) : [],
  );

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
  /** A phone number typed into the search, offered as a destination of its own. */
  protected readonly phoneNumber = computed(() => typedPhoneNumber(this.query()));
  /** The chosen destination while it can still take the call. */
  protected readonly selected = computed(
    () =>
      [...this.destinations(), this.phoneNumber()].find(
        (d) => d?.address === this.selectedAddress(),
      ) ?? null,
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
    const choice = this.choice();
    if (!choice) return;
    this.awaitServer(choice.destination);
    this.store.dispatch(TransferDialogActions.blindTransferConfirmed(choice));
  }

  protected consultFirst(): void {
    const choice = this.choice();
    if (!choice) return;
    this.awaitServer(choice.destination);
    this.store.dispatch(TransferDialogActions.warmTransferConfirmed(choice));
  }

  /** The chosen destination, with the skills required of a group's agent when there are any. */
  private choice(): { callId: string; destination: Party; skills?: RequiredSkills } | null {
    const selected = this.selected();
    if (!selected || this.sending()) return null;
    const destination = { name: selected.name, address: selected.address };
    const skills = this.requiredSkills();
    const withSkills = selected.kind === 'group' && Object.keys(skills).length > 0;
    return { callId: this.data.callId, destination, ...(withSkills ? { skills } : {}) };
  }

  /**
   * Closes once the server took the transfer; a refusal (an unknown skill, a level out of range,
   * a destination gone) stays here, in the server's words, and nothing was transferred.
   */
  private awaitServer(destination: Party): void {
    this.sending.set(true);
    this.refusal.set(null);
    this.actions$
      .pipe(
        ofType(CallsApiActions.transferStarted, CallsApiActions.callControlFailed),
        filter((action) => action.callId === this.data.callId),
        filter(
          (action) =>
            action.type === CallsApiActions.transferStarted.type ||
            action.command === 'blind-transfer' ||
            action.command === 'warm-transfer',
        ),
        take(1),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((action) => {
        if (action.type === CallsApiActions.transferStarted.type) {
          this.dialogRef.close(destination);
          return;
        }
        this.sending.set(false);
        this.refusal.set(action.message);
      });
  }
}

function pick({ name, address }: Party): Party {
  return { name, address };
}

function groupDetail(group: DirectoryGroup): string {
  const available = group.available > 0 ? `${group.available} available` : 'Nobody available';
  return group.waiting > 0 ? `${available} · ${group.waiting} waiting` : available;
}
