import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { TitleFlasher } from './title-flasher';

describe('TitleFlasher', () => {
  beforeEach(() => jasmine.clock().install());
  afterEach(() => jasmine.clock().uninstall());

  it('alternates the message with the resting title every second, then restores it', () => {
    const title = TestBed.inject(Title);
    title.setTitle('Switchboard');
    const flasher = TestBed.inject(TitleFlasher);

    flasher.start('☎ Katherine Johnson is calling');
    const seen = [title.getTitle()];
    for (let i = 0; i < 3; i++) {
      jasmine.clock().tick(1_000);
      seen.push(title.getTitle());
    }
    flasher.stop();

    expect(seen).toEqual([
      '☎ Katherine Johnson is calling',
      'Switchboard',
      '☎ Katherine Johnson is calling',
      'Switchboard',
    ]);
    expect(title.getTitle()).toBe('Switchboard');
  });
});
