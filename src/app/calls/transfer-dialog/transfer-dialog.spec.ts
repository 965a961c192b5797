import { TestKey } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatAutocompleteHarness } from '@angular/material/autocomplete/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectionListHarness } from '@angular/material/list/testing';
import type { Action } from '@ngrx/store';
import { provideMockActions } from '@ngrx/effects/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { of, Subject, type Observable } from 'rxjs';
import { initialRootState } from '../../testing/initial-state';
import { CallsApiActions, TransferDialogActions } from '../calls.actions';
import { DirectoryApi, type DirectoryListing } from './directory-api';
import { DIRECTORY_REFRESH_MS, TransferDialog, type TransferDialogData } from './transfer-dialog';

const listing: DirectoryListing = {
  agents: [
    {
      id: 'u-ada',
      name: 'Ada Lovelace',
      username: 'ada',
      address: '/private/ada',
      presence: 'busy',
    },
    {
      id: 'u-alan',
      name: 'Alan Turing',
      username: 'alan',
      address: '/private/alan',
      presence: 'offline',
    },
    {
      id: 'u-grace',
      name: 'Grace Hopper',
      username: 'grace',
      address: '/private/grace',
      presence: 'available',
    },
  ],
  groups: [
    {
      id: 'g-billing',
      name: 'billing',
      address: '/group/billing',
      available: 0,
      online: 1,
      waiting: 2,
    },
    { id: 'g-empty', name: 'empty', address: '/group/empty', available: 0, online: 0, waiting: 0 },
    {
      id: 'g-support',
      name: 'support',
      address: '/group/support',
      available: 1,
      online: 1,
      waiting: 0,
    },
  ],
  skills: [
    { name: 'billing', highestLevel: 4 },
    { name: 'spanish', highestLevel: 8 },
  ],
};

const data: TransferDialogData = {
  callId: 'call-1',
  callerName: 'Katherine Johnson',
  selfUserId: 'u-ada',
  callerAddress: '/private/katherine',
};

/** The same directory a moment later: `changes` applied to agents by id. */
function withPresence(changes: Record<string, DirectoryListing['agents'][number]['presence']>) {
  return {
    ...listing,
    agents: listing.agents.map((agent) => ({
      ...agent,
      presence: changes[agent.id] ?? agent.presence,
    })),
  };
}

describe('TransferDialog', () => {
  let fixture: ComponentFixture<TransferDialog>;
  let dispatch: jasmine.Spy;
  let close: jasmine.Spy;
  let actions: Subject<Action>;

  /** `stable: false` for a directory still loading (a pending load keeps the app unstable). */
  async function open(
    directory: Observable<DirectoryListing> | (() => Observable<DirectoryListing>) = of(listing),
    { stable = true, refreshMs = 60_000 } = {},
  ) {
    const read = typeof directory === 'function' ? directory : () => directory;
    actions = new Subject<Action>();
    TestBed.configureTestingModule({
      providers: [
        provideMockStore({ initialState: initialRootState }),
        provideMockActions(() => actions),
        { provide: MAT_DIALOG_DATA, useValue: data },
        { provide: MatDialogRef, useValue: { close: (close = jasmine.createSpy('close')) } },
        { provide: DirectoryApi, useValue: { directory: read } },
        { provide: DIRECTORY_REFRESH_MS, useValue: refreshMs },
      ],
    });
    dispatch = spyOn(TestBed.inject(MockStore), 'dispatch');
    fixture = TestBed.createComponent(TransferDialog);
    if (stable) await fixture.whenStable();
    else fixture.detectChanges();
    return TestbedHarnessEnvironment.loader(fixture);
  }

  const text = () => (fixture.nativeElement as HTMLElement).textContent ?? '';
  const button = (loader: Awaited<ReturnType<typeof open>>, label: string) =>
    loader.getHarness(MatButtonHarness.with({ text: label }));
  /** A button named by its aria-label (its text alone would be ambiguous: "Remove"). */
  const namedButton = (loader: Awaited<ReturnType<typeof open>>, name: string) =>
    loader.getHarness(MatButtonHarness.with({ selector: `[aria-label="${name}"]` }));

  it('offers only who can take a call: available agents, then groups that can answer at once, then groups with a queue', async () => {
    const loader = await open(
      of({
        ...listing,
        agents: [
          ...listing.agents,
          {
            id: 'u-katherine',
            name: 'Katherine Johnson',
            username: 'katherine',
            address: '/private/katherine',
            presence: 'available' as const,
          },
        ],
      }),
    );
    const list = await loader.getHarness(MatSelectionListHarness);
    const titles = await Promise.all((await list.getItems()).map((item) => item.getTitle()));

    // Not Ada (transferring), not Alan (offline), not Katherine (the caller), not the empty group.
    expect(titles).toEqual(['Grace Hopper', 'support', 'billing']);
    expect(text()).toContain('Available agents');
    expect(text()).toContain('Available · /private/grace');
    expect(text()).toContain('1 available · /group/support');
    expect(text()).toContain('Nobody available · 2 waiting · /group/billing');
    expect(await (await button(loader, 'Transfer now')).isDisabled()).toBeTrue();
    expect(await (await button(loader, 'Consult first')).isDisabled()).toBeTrue();
  });

  it('updates while open: someone who becomes available appears, someone who leaves drops out of the choice', async () => {
    const reads = [listing, withPresence({ 'u-alan': 'available', 'u-grace': 'busy' })];
    let count = 0;
    const loader = await open(() => of(reads[Math.min(count++, reads.length - 1)]), {
      refreshMs: 100,
    });
    const list = await loader.getHarness(MatSelectionListHarness);
    await list.selectItems({ title: 'Grace Hopper' });
    expect(text()).toContain('Transfer to Grace Hopper');

    await new Promise((resolve) => setTimeout(resolve, 250));
    await fixture.whenStable();
    const titles = await Promise.all((await list.getItems()).map((item) => item.getTitle()));
    expect(titles).toEqual(['Alan Turing', 'support', 'billing']);
    expect(text()).toContain('Pick an agent or a group.');
    expect(await (await button(loader, 'Transfer now')).isDisabled()).toBeTrue();
  });

  it('says so when nobody can take a call', async () => {
    await open(of({ agents: [], groups: [listing.groups[1]], skills: [] }));
    expect(text()).toContain('Nobody can take a call right now.');
  });

  it('searches by name and address', async () => {
    const loader = await open();
    await (await loader.getHarness(MatInputHarness)).setValue('grace');
    const list = await loader.getHarness(MatSelectionListHarness);
    expect(await Promise.all((await list.getItems()).map((item) => item.getTitle()))).toEqual([
      'Grace Hopper',
    ]);

    await (await loader.getHarness(MatInputHarness)).setValue('nobody');
    expect(text()).toContain('Nobody who can take a call matches “nobody”.');
  });

  it('offers a phone number typed into the search, blind or after a consultation', async () => {
    const loader = await open();
    await (await loader.getHarness(MatInputHarness)).setValue('+1 415 555 0142');
    const list = await loader.getHarness(MatSelectionListHarness);
    expect(await Promise.all((await list.getItems()).map((item) => item.getTitle()))).toEqual([
      'Call +1 415 555 0142',
    ]);
    expect(text()).toContain('Phone number');
    expect(text()).not.toContain('Nobody who can take a call matches');

    await list.selectItems({ title: 'Call +1 415 555 0142' });
    expect(text()).toContain('Transfer to +1 415 555 0142');
    expect(text()).not.toContain('Required skills');
    await (await button(loader, 'Consult first')).click();
    expect(dispatch).toHaveBeenCalledOnceWith(
      TransferDialogActions.warmTransferConfirmed({
        callId: 'call-1',
        destination: { name: '+1 415 555 0142', address: '+1 415 555 0142' },
      }),
    );
  });

  it('offers no phone number for a name, nor for digits too few to be one', async () => {
    const loader = await open();
    for (const query of ['grace', '+1 555', '4155550142']) {
      await (await loader.getHarness(MatInputHarness)).setValue(query);
      expect(text()).not.toContain('Phone number');
    }
  });

  it('"Transfer now" confirms a blind transfer to the chosen group and closes once the server took it', async () => {
    const loader = await open();
    const list = await loader.getHarness(MatSelectionListHarness);
    await list.selectItems({ title: 'support' });
    expect(text()).toContain('Transfer to support');

    await (await button(loader, 'Transfer now')).click();
    const destination = { name: 'support', address: '/group/support' };
    expect(dispatch).toHaveBeenCalledOnceWith(
      TransferDialogActions.blindTransferConfirmed({ callId: 'call-1', destination }),
    );
    expect(text()).toContain('Transferring…');
    expect(await (await button(loader, 'Transfer now')).isDisabled()).toBeTrue();
    expect(close).not.toHaveBeenCalled();

    // Another call's news is not this one's.
    actions.next(CallsApiActions.transferStarted({ callId: 'call-2' }));
    expect(close).not.toHaveBeenCalled();
    actions.next(CallsApiActions.transferStarted({ callId: 'call-1' }));
    expect(close).toHaveBeenCalledOnceWith(destination);
  });

  it("to a group, requires the skills picked from the tenant's, each with its level", async () => {
    const loader = await open();
    await (await loader.getHarness(MatSelectionListHarness)).selectItems({ title: 'support' });
    expect(text()).toContain('Required skills (optional)');
    expect(text()).toContain('Only agents of support holding each skill at or above its level');

    const skill = await loader.getHarness(MatAutocompleteHarness);
    await skill.enterText('span');
    const options = await skill.getOptions();
    expect(await Promise.all(options.map((option) => option.getText()))).toEqual([
      'spanish · held up to level 8',
    ]);
    await skill.selectOption({ text: /spanish/ });
    const level = await (
      await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Level' }))
    ).getControl(MatInputHarness);
    await level!.setValue('5');
    await (await button(loader, 'Add skill')).click();
    expect(text()).toContain('spanish: level 5 or above');

    // A skill typed that nobody holds goes to the server as typed: the server judges it.
    await skill.enterText('billing');
    await (await button(loader, 'Add skill')).click();
    expect(text()).toContain('billing: level 1 or above');
    await (await namedButton(loader, 'Remove billing')).click();
    expect(text()).not.toContain('billing:');

    await (await button(loader, 'Consult first')).click();
    expect(dispatch).toHaveBeenCalledOnceWith(
      TransferDialogActions.warmTransferConfirmed({
        callId: 'call-1',
        destination: { name: 'support', address: '/group/support' },
        skills: { spanish: 5 },
      }),
    );
  });

  it('offers no skills for a transfer to an agent, and sends none', async () => {
    const loader = await open();
    const list = await loader.getHarness(MatSelectionListHarness);
    await list.selectItems({ title: 'support' });
    await (await loader.getHarness(MatAutocompleteHarness)).enterText('spanish');
    await (await button(loader, 'Add skill')).click();
    await list.selectItems({ title: 'Grace Hopper' });
    expect(text()).not.toContain('Required skills');

    await (await button(loader, 'Transfer now')).click();
    expect(dispatch).toHaveBeenCalledOnceWith(
      TransferDialogActions.blindTransferConfirmed({
        callId: 'call-1',
        destination: { name: 'Grace Hopper', address: '/private/grace' },
      }),
    );
  });

  it("a refused transfer stays open with the server's words, and can be sent again", async () => {
    const loader = await open();
    await (await loader.getHarness(MatSelectionListHarness)).selectItems({ title: 'support' });
    await (await loader.getHarness(MatAutocompleteHarness)).enterText('klingon');
    await (await button(loader, 'Add skill')).click();
    await (await button(loader, 'Transfer now')).click();

    // A hold refused meanwhile is not the transfer's answer.
    actions.next(
      CallsApiActions.callControlFailed({
        callId: 'call-1',
        command: 'hold',
        reason: 'wrong-state',
        message: 'not connected',
      }),
    );
    actions.next(
      CallsApiActions.callControlFailed({
        callId: 'call-1',
        command: 'blind-transfer',
        reason: 'bad-message',
        message: 'unknown skill "klingon": nobody here holds it',
      }),
    );
    await fixture.whenStable();
    expect(text()).toContain('Not transferred: unknown skill "klingon": nobody here holds it');
    expect(text()).not.toContain('not connected');
    expect(close).not.toHaveBeenCalled();

    await (await namedButton(loader, 'Remove klingon')).click();
    await (await button(loader, 'Transfer now')).click();
    expect(dispatch.calls.mostRecent().args).toEqual([
      TransferDialogActions.blindTransferConfirmed({
        callId: 'call-1',
        destination: { name: 'support', address: '/group/support' },
      }),
    ]);
    expect(text()).not.toContain('Not transferred');
  });

  it('"Consult first" confirms a warm transfer to the chosen agent', async () => {
    const loader = await open();
    await (await loader.getHarness(MatSelectionListHarness)).selectItems({ title: 'Grace Hopper' });

    await (await button(loader, 'Consult first')).click();
    expect(dispatch).toHaveBeenCalledOnceWith(
      TransferDialogActions.warmTransferConfirmed({
        callId: 'call-1',
        destination: { name: 'Grace Hopper', address: '/private/grace' },
      }),
    );
  });

  it('shows loading, then says when the directory cannot be read', async () => {
    const pending = new Subject<DirectoryListing>();
    await open(pending, { stable: false });
    expect(fixture.nativeElement.querySelector('mat-progress-bar')).not.toBeNull();
    pending.error(new Error('500'));
    await fixture.whenStable();
    expect(text()).toContain('Could not load the directory.');
    expect(fixture.nativeElement.querySelector('mat-progress-bar')).toBeNull();
  });

  it('picks with the keyboard: arrows move, space chooses', async () => {
    const loader = await open();
    const items = await (await loader.getHarness(MatSelectionListHarness)).getItems();
    const first = await items[0].host();
    await first.focus();
    await first.sendKeys(TestKey.DOWN_ARROW);
    await (await items[1].host()).sendKeys(' ');
    await fixture.whenStable();
    expect(text()).toContain('Transfer to support');

    await (await button(loader, 'Transfer now')).click();
    expect(dispatch).toHaveBeenCalledWith(
      TransferDialogActions.blindTransferConfirmed({
        callId: 'call-1',
        destination: { name: 'support', address: '/group/support' },
      }),
    );
  });
});
