import { landingPage } from './landing-page';

describe('landingPage', () => {
  it('lands each role on its daily page', () => {
    expect(landingPage('agent', null)).toBe('/');
    expect(landingPage('supervisor', null)).toBe('/supervisor');
    expect(landingPage('admin', null)).toBe('/admin');
  });

  it('lets a deep link win, for every role', () => {
    expect(landingPage('supervisor', '/')).toBe('/');
    expect(landingPage('admin', '/history?page=2')).toBe('/history?page=2');
    expect(landingPage('agent', '/reports')).toBe('/reports');
  });

  it('ignores a return address that leaves the console or loops to sign-in', () => {
    expect(landingPage('supervisor', '//evil.example/x')).toBe('/supervisor');
    expect(landingPage('supervisor', '/\\evil.example')).toBe('/supervisor');
    expect(landingPage('admin', 'https://evil.example')).toBe('/admin');
    expect(landingPage('agent', '/sign-in?returnUrl=/admin')).toBe('/');
    expect(landingPage('agent', '')).toBe('/');
  });
});
