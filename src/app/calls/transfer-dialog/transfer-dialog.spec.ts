import { TestKey } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectionListHarness } from '@angular/material/list/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { of, Subject, type Observable } from 'rxjs';
import { initialRootState } from '../../testing/initial-state';
import { TransferDialogActions } from '../calls.actions';
import { DirectoryApi, type DirectoryListing } from './directory-api';
import { TransferDialog, type TransferDialogData } from './transfer-dialog';

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
  groups: [{ id: 'g-support', name: 'support', address: '/group/support' }],
};

const data: TransferDialogData = {
  callId: 'call-1',
  callerName: 'Katherine Johnson',
  selfUserId: 'u-ada',
};

describe('TransferDialog', () => {
  let fixture: ComponentFixture<TransferDialog>;
  let dispatch: jasmine.Spy;
  let close: jasmine.Spy;

  /** `stable: false` for a directory still loading (a pending load keeps the app unstable). */
  async function open(
    directory: Observable<DirectoryListing> = of(listing),
    { stable = true } = {},
  ) {
    TestBed.configureTestingModule({
      providers: [
        provideMockStore({ initialState: initialRootState }),
        { provide: MAT_DIALOG_DATA, useValue: data },
        { provide: MatDialogRef, useValue: { close: (close = jasmine.createSpy('close')) } },
        { provide: DirectoryApi, useValue: { directory: () => directory } },
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

  it('lists the other agents with their presence, and the ring groups', async () => {
    const loader = await open();
    const list = await loader.getHarness(MatSelectionListHarness);
    const titles = await Promise.all((await list.getItems()).map((item) => item.getTitle()));

    expect(titles).toEqual(['Alan Turing', 'Grace Hopper', 'support']);
    expect(text()).toContain('Offline · /private/alan');
    expect(text()).toContain('Available · /private/grace');
    expect(text()).toContain('Group · /group/support');
    expect(text()).not.toContain('Ada Lovelace');
    expect(await (await button(loader, 'Transfer now')).isDisabled()).toBeTrue();
    expect(await (await button(loader, 'Consult first')).isDisabled()).toBeTrue();
  });

  it('searches by name and address', async () => {
    const loader = await open();
    await (await loader.getHarness(MatInputHarness)).setValue('grace');
    const list = await loader.getHarness(MatSelectionListHarness);
    expect(await Promise.all((await list.getItems()).map((item) => item.getTitle()))).toEqual([
      'Grace Hopper',
    ]);

    await (await loader.getHarness(MatInputHarness)).setValue('nobody');
    expect(text()).toContain('Nobody matches “nobody”.');
  });

  it('"Transfer now" confirms a blind transfer to the chosen group and closes', async () => {
    const loader = await open();
    const list = await loader.getHarness(MatSelectionListHarness);
    await list.selectItems({ title: 'support' });
    expect(text()).toContain('Transfer to support');

    await (await button(loader, 'Transfer now')).click();
    const destination = { name: 'support', address: '/group/support' };
    expect(dispatch).toHaveBeenCalledOnceWith(
      TransferDialogActions.blindTransferConfirmed({ callId: 'call-1', destination }),
    );
    expect(close).toHaveBeenCalledOnceWith(destination);
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
    expect(text()).toContain('Transfer to Grace Hopper');

    await (await button(loader, 'Transfer now')).click();
    expect(dispatch).toHaveBeenCalledWith(
      TransferDialogActions.blindTransferConfirmed({
        callId: 'call-1',
        destination: { name: 'Grace Hopper', address: '/private/grace' },
      }),
    );
  });
});
