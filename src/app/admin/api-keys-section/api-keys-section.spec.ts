import { Clipboard } from '@angular/cdk/clipboard';
import { HttpErrorResponse } from '@angular/common/http';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { of, throwError } from 'rxjs';
import { AdminApi, type ApiKey } from '../admin-api';
import { ApiKeysSection } from './api-keys-section';

const ci: ApiKey = {
  id: 'k-ci',
  label: 'CI',
  prefix: 'sbk_ab12',
  createdAt: '2026-12-01T10:00:00.000Z',
  lastUsedAt: '2026-12-07T09:30:00.000Z',
  revokedAt: null,
};

describe('ApiKeysSection', () => {
  let fixture: ComponentFixture<ApiKeysSection>;
  let api: jasmine.SpyObj<Pick<AdminApi, 'apiKeys' | 'createApiKey' | 'revokeApiKey'>>;
  let copy: jasmine.Spy;

  async function render(keys: ApiKey[] = [ci]) {
    api = jasmine.createSpyObj('AdminApi', ['apiKeys', 'createApiKey', 'revokeApiKey']);
    api.apiKeys.and.returnValue(of({ apiKeys: keys }));
    TestBed.configureTestingModule({ providers: [{ provide: AdminApi, useValue: api }] });
    copy = spyOn(TestBed.inject(Clipboard), 'copy').and.returnValue(true);
    fixture = TestBed.createComponent(ApiKeysSection);
    await fixture.whenStable();
  }

  const host = () => fixture.nativeElement as HTMLElement;
  const byTestId = (id: string) => host().querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const buttonNamed = (name: string) =>
    [...host().querySelectorAll<HTMLButtonElement>('button')].find(
      (button) => (button.getAttribute('aria-label') ?? button.textContent.trim()) === name,
    );
  async function typeLabel(label: string) {
    const input = byTestId('key-label') as HTMLInputElement;
    input.value = label;
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
  }
  async function click(name: string) {
    const button = buttonNamed(name);
    expect(button).withContext(name).toBeDefined();
    button!.click();
    await fixture.whenStable();
  }

  it('lists each key with its label, prefix and when it was last used', async () => {
    await render([ci, { ...ci, id: 'k-old', label: 'Old', lastUsedAt: null }]);
    const rows = host().querySelectorAll('tr[data-key]');
    expect(rows.length).toBe(2);
    expect(rows[0].textContent).toContain('sbk_ab12…');
    expect(rows[0].querySelector('[data-testid="key-last-used"]')!.textContent).toContain(
      new Date(ci.lastUsedAt!).toLocaleString(),
    );
    expect(rows[1].querySelector('[data-testid="key-last-used"]')!.textContent).toContain('Never');
  });

  it('creates a key, shows it once with a copy button, and adds it to the list', async () => {
    await render([]);
    const created = { ...ci, id: 'k-new', label: 'Billing export' };
    api.createApiKey.and.returnValue(of({ ...created, key: 'sbk_secret_value' }));

    await typeLabel('  Billing export ');
    byTestId('create-key')!.click();
    await fixture.whenStable();

    expect(api.createApiKey).toHaveBeenCalledOnceWith('Billing export');
    expect(byTestId('new-key')!.textContent).toBe('sbk_secret_value');
    expect(host().textContent).toContain('Key for Billing export, shown this once');
    expect(host().querySelector('tr[data-key="Billing export"]')).not.toBeNull();
    expect((byTestId('key-label') as HTMLInputElement).value).toBe('');

    byTestId('copy-key')!.click();
    await fixture.whenStable();
    expect(copy).toHaveBeenCalledOnceWith('sbk_secret_value');
    expect(byTestId('copy-key')!.textContent.trim()).toBe('Copied');
  });

  it('asks for a label before anything is sent, and shows the server refusal as it says it', async () => {
    await render();
    byTestId('create-key')!.click();
    await fixture.whenStable();
    expect(byTestId('key-problems')!.textContent).toContain('Label: say what the key is for');
    expect(api.createApiKey).not.toHaveBeenCalled();

    api.createApiKey.and.returnValue(
      throwError(
        () =>
          new HttpErrorResponse({
            status: 400,
            error: { error: 'bad-request', message: 'label must not contain control characters' },
          }),
      ),
    );
    await typeLabel('fine');
    byTestId('create-key')!.click();
    await fixture.whenStable();
    expect(byTestId('key-server-error')!.textContent).toContain(
      'label must not contain control characters',
    );
    expect(byTestId('new-key')).toBeNull();
  });

  it('revokes only once the admin confirms; "Keep it" leaves the key alone', async () => {
    await render();
    const revokedAt = '2026-12-07T12:00:00.000Z';
    api.revokeApiKey.and.returnValue(of({ ...ci, revokedAt }));

    await click('Revoke CI');
    expect(host().textContent).toContain('Anything using CI is refused at once.');
    expect(api.revokeApiKey).not.toHaveBeenCalled();
    await click('Keep it');
    expect(host().textContent).not.toContain('refused at once');
    expect(api.revokeApiKey).not.toHaveBeenCalled();

    await click('Revoke CI');
    await click('Confirm revoking CI');
    expect(api.revokeApiKey).toHaveBeenCalledOnceWith('k-ci');
    expect(host().querySelector('tr[data-key="CI"]')!.textContent).toContain('Revoked');
    expect(buttonNamed('Revoke CI')).toBeUndefined();
  });

  it('reload() reads the list again (another admin changed it)', async () => {
    await render([]);
    api.apiKeys.and.returnValue(of({ apiKeys: [ci] }));
    fixture.componentInstance.reload();
    await fixture.whenStable();
    expect(host().querySelector('tr[data-key="CI"]')).not.toBeNull();
  });
});
