import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MockStore, provideMockStore } from '@ngrx/store/testing';
import { initialRootState } from '../../testing/initial-state';
import { SignInPageActions } from '../auth.actions';
import { initialAuthState } from '../auth.feature';
import { SignInPage } from './sign-in-page';

describe('SignInPage', () => {
  let fixture: ComponentFixture<SignInPage>;
  let store: MockStore;

  async function field(label: string): Promise<MatInputHarness> {
    const formField = await TestbedHarnessEnvironment.loader(fixture).getHarness(
      MatFormFieldHarness.with({ floatingLabelText: new RegExp(`^${label}`) }),
    );
    return (await formField.getControl(MatInputHarness))!;
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideMockStore({ initialState: initialRootState })],
    });
    store = TestBed.inject(MockStore);
    fixture = TestBed.createComponent(SignInPage);
  });

  it('signs in with the tenant, email and password typed in', async () => {
    const dispatch = spyOn(store, 'dispatch');
    await (await field('Tenant')).setValue('demo ');
    await (await field('Email')).setValue('ada@demo.test');
    await (await field('Password')).setValue('switchboard');
    await (
      await TestbedHarnessEnvironment.loader(fixture).getHarness(
        MatButtonHarness.with({ text: 'Sign in' }),
      )
    ).click();

    expect(dispatch).toHaveBeenCalledOnceWith(
      SignInPageActions.signInSubmitted({
        tenant: 'demo',
        email: 'ada@demo.test',
        password: 'switchboard',
      }),
    );
  });

  it('does not send an incomplete form, and says what is missing', async () => {
    const dispatch = spyOn(store, 'dispatch');
    await (await field('Email')).setValue('not-an-email');
    await (
      await TestbedHarnessEnvironment.loader(fixture).getHarness(
        MatButtonHarness.with({ text: 'Sign in' }),
      )
    ).click();

    expect(dispatch).not.toHaveBeenCalled();
    const text = (fixture.nativeElement as HTMLElement).textContent;
    expect(text).toContain('Enter your tenant');
    expect(text).toContain('That is not an email address');
  });

  it('shows why the server refused', async () => {
    store.setState({
      ...initialRootState,
      auth: { ...initialAuthState, error: 'Wrong tenant, email or password.' },
    });
    await fixture.whenStable();
    expect(
      (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')?.textContent,
    ).toContain('Wrong tenant, email or password.');
  });
});
