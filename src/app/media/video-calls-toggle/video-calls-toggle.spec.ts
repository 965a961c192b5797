import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatSlideToggleHarness } from '@angular/material/slide-toggle/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { VideoPreferenceActions } from '../media.actions';
import { VideoCallsToggle } from './video-calls-toggle';

describe('VideoCallsToggle', () => {
  it('turns video calls on and off', async () => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    const store = TestBed.inject(MockStore);
    const dispatch = spyOn(store, 'dispatch');
    const fixture = TestBed.createComponent(VideoCallsToggle);
    const toggle = await TestbedHarnessEnvironment.loader(fixture).getHarness(
      MatSlideToggleHarness.with({ label: 'Video calls' }),
    );
    expect(await toggle.isChecked()).toBeFalse();
    await toggle.toggle();
    expect(dispatch).toHaveBeenCalledWith(VideoPreferenceActions.videoCallsTurnedOn());

    store.setState({ ...initialRootState, media: { ...initialRootState.media, videoCalls: true } });
    await fixture.whenStable();
    expect(await toggle.isChecked()).toBeTrue();
    await toggle.toggle();
    expect(dispatch).toHaveBeenCalledWith(VideoPreferenceActions.videoCallsTurnedOff());
  });
});
