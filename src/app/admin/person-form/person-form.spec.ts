import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import type { ManagedPerson, PersonWithPassword } from '../admin-api';
import { PersonForm } from './person-form';

describe('PersonForm', () => {
  let fixture: ComponentFixture<PersonForm>;
  let http: HttpTestingController;
  let saved: PersonWithPassword[];
  let cancelled: number;
  const ada: ManagedPerson = {
    id: 'u1',
    reference: 'ada@example.com',
    name: 'Ada Lovelace',
    role: 'agent',
    address: '/private/ada',
    active: true,
  };

  function create(person: ManagedPerson | null): void {
    fixture = TestBed.createComponent(PersonForm);
    fixture.componentRef.setInput('person', person);
    saved = [];
    cancelled = 0;
    fixture.componentInstance.saved.subscribe((result) => saved.push(result));
    fixture.componentInstance.cancelled.subscribe(() => cancelled++);
  }

  const loader = () => TestbedHarnessEnvironment.loader(fixture);
  const labels = async () =>
    Promise.all(
      (await loader().getAllHarnesses(MatFormFieldHarness)).map((field) => field.getLabel()),
    );
  async function input(label: string): Promise<MatInputHarness> {
    const field = await loader().getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
    return (await field.getControl(MatInputHarness))!;
  }
  const click = async (text: string) =>
    (await loader().getHarness(MatButtonHarness.with({ text }))).click();
  const shown = () => (fixture.nativeElement as HTMLElement).textContent ?? '';

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('a new person: every field, checked before sending, then created with the role chosen', async () => {
    create(null);
    expect(await labels()).toEqual(['Sign-in email', 'Name', 'Role', 'Initial password']);
    await click('Create');
    expect(shown()).toContain('Sign-in email: an address like ada@example.com');
    expect(shown()).toContain('Name: required');

    await (await input('Sign-in email')).setValue('grace@example.com');
    await (await input('Name')).setValue(' Grace Hopper ');
    const role = await loader().getHarness(MatSelectHarness);
    await role.open();
    await role.clickOptions({ text: 'Supervisor' });
    await click('Create');
    const request = http.expectOne('/api/people');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({
      reference: 'grace@example.com',
      name: 'Grace Hopper',
      role: 'supervisor',
    });
    const grace = { ...ada, id: 'u2', name: 'Grace Hopper', role: 'supervisor' as const };
    request.flush({ person: grace, password: 'generated-1' });
    expect(saved).toEqual([{ person: grace, password: 'generated-1' }]);
  });

  it('an existing person: only name and role, the same checks, saved with PATCH', async () => {
    create(ada);
    expect(await labels()).toEqual(['Name', 'Role']);
    expect(await (await input('Name')).getValue()).toBe('Ada Lovelace');
    await (await input('Name')).setValue('   ');
    await click('Save');
    expect(shown()).toContain('Name: required');
    http.expectNone('/api/people/u1');

    await (await input('Name')).setValue('Ada King');
    await click('Save');
    const request = http.expectOne('/api/people/u1');
    expect(request.request.method).toBe('PATCH');
    expect(request.request.body).toEqual({ name: 'Ada King', role: 'agent' });
    request.flush({ ...ada, name: 'Ada King' });
    expect(saved).toEqual([{ person: { ...ada, name: 'Ada King' } }]);
  });

  it("shows the server's refusal inline, as it says it, and saves nothing", async () => {
    create(ada);
    await loader()
      .getHarness(MatSelectHarness)
      .then(async (role) => {
        await role.open();
        await role.clickOptions({ text: 'Admin' });
      });
    await click('Save');
    http
      .expectOne('/api/people/u1')
      .flush(
        { message: 'the last admin cannot be demoted', statusCode: 409 },
        { status: 409, statusText: 'Conflict' },
      );
    await fixture.whenStable();
    expect(shown()).toContain('the last admin cannot be demoted');
    expect(saved).toEqual([]);
    await click('Cancel');
    expect(cancelled).toBe(1);
  });
});
