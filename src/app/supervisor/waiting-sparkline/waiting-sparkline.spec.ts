import { TestBed } from '@angular/core/testing';
import { WaitingSparkline } from './waiting-sparkline';

describe('WaitingSparkline', () => {
  const now = 10 * 60 * 60_000;

  function render(samples: { at: number; waiting: number }[]) {
    const fixture = TestBed.createComponent(WaitingSparkline);
    fixture.componentRef.setInput('samples', samples);
    fixture.componentRef.setInput('now', now);
    fixture.componentRef.setInput('width', 60);
    fixture.componentRef.setInput('height', 22);
    fixture.detectChanges();
    const element = fixture.nativeElement as HTMLElement;
    return {
      points: element.querySelector('polyline')!.getAttribute('points'),
      label: element.querySelector('svg')!.getAttribute('aria-label'),
      element,
    };
  }

  it('draws a flat line at zero with no samples', () => {
    const { points, label } = render([]);
    expect({ points, label }).toEqual({
      points: '0,21 60,21',
      label: 'Calls waiting over the last hour, at most 0',
    });
  });

  it('says what it plots and labels both axes', () => {
    const { element } = render([{ at: now - 10 * 60_000, waiting: 3 }]);
    const ends = (selector: string) =>
      [...element.querySelector(selector)!.children].map((end) => end.textContent);
    expect(element.querySelector('figcaption')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Calls waiting, last hour (most in each minute)',
    );
    expect(ends('.y-axis')).toEqual(['3', '0']);
    expect(ends('.x-axis')).toEqual(['60 min ago', 'now']);
  });

  it('steps through the last hour scaled to the peak, dropping older samples', () => {
    const { points, label } = render([
      { at: now - 2 * 60 * 60_000, waiting: 9 },
      { at: now - 30 * 60_000, waiting: 4 },
      { at: now - 15 * 60_000, waiting: 2 },
    ]);
    expect(label).toBe('Calls waiting over the last hour, at most 4');
    expect(points).toBe('0,21 30.0,21.0 30.0,1.0 45.0,1.0 45.0,11.0 60,11.0');
  });
});
