import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { HoldBadge } from './hold-badge';

@Component({
  imports: [HoldBadge],
  template: `<app-hold-badge [seconds]="seconds()">{{ label() }}</app-hold-badge>`,
})
class Host {
  readonly seconds = signal(0);
  readonly label = signal('On hold');
}

describe('HoldBadge', () => {
  it('ticks with the seconds it is given', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const badge: HTMLElement = fixture.nativeElement.querySelector('app-hold-badge');
    expect(badge.getAttribute('role')).toBe('status');
    expect(badge.textContent).toContain('On hold');
    expect(badge.querySelector('.timer')?.textContent?.trim()).toBe('0:00');

    fixture.componentInstance.seconds.set(65);
    await fixture.whenStable();
    expect(badge.querySelector('.timer')?.textContent?.trim()).toBe('1:05');
    expect(badge.querySelector('.timer')?.getAttribute('aria-label')).toBe(
      'On hold for 65 seconds',
    );
  });

  it('shows only the time where the status line already says "On hold"', async () => {
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.label.set('');
    fixture.componentInstance.seconds.set(5);
    await fixture.whenStable();
    const badge: HTMLElement = fixture.nativeElement.querySelector('app-hold-badge');
    expect(badge.textContent?.trim()).toBe('0:05');
    expect(badge.querySelector('.timer')?.getAttribute('aria-label')).toBe('On hold for 5 seconds');
  });
});
