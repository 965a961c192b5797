// Karma for the console's unit specs, run through `ng test` (@angular/build:unit-test, runner karma).
// CommonJS on purpose: the root package.json is "type": "module" and Karma loads its config with require().
const path = require('node:path');

process.env.CHROME_BIN ||= '/usr/bin/chromium';
const ci = Boolean(process.env.CI);

module.exports = function (config) {
  config.set({
    basePath: '',
    frameworks: ['jasmine'],
    plugins: [
      require('karma-jasmine'),
      require('karma-chrome-launcher'),
      require('karma-jasmine-html-reporter'),
      require('karma-coverage'),
    ],
    client: {
      // Keep the Jasmine UI out of headless runs; random order finds specs that lean on each other.
      clearContext: false,
      jasmine: { random: true },
    },
    jasmineHtmlReporter: { suppressAll: true },
    coverageReporter: {
      dir: path.join(__dirname, 'coverage/switchboard'),
      subdir: '.',
      reporters: [{ type: 'html' }, { type: 'text-summary' }],
    },
    // "progress" prints the one-line "Executed N of N SUCCESS" summary and each failure in full.
    reporters: ['progress', 'kjhtml'],
    browsers: ['ChromeHeadlessRoot'],
    customLaunchers: {
      // Root (CI, dev containers) needs --no-sandbox; /dev/shm is tiny in containers.
      ChromeHeadlessRoot: {
        base: 'ChromeHeadless',
        flags: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--no-first-run',
          // Media specs (level meter, streams) run WebAudio without a click.
          '--autoplay-policy=no-user-gesture-required',
        ],
      },
    },
    // A loaded 2-core CI machine can stall the browser for seconds; don't mistake that for a crash.
    browserNoActivityTimeout: 120_000,
    browserDisconnectTimeout: 60_000,
    browserDisconnectTolerance: 2,
    pingTimeout: 60_000,
    captureTimeout: 120_000,
    colors: !ci,
    singleRun: ci,
    autoWatch: !ci,
    restartOnFileChange: !ci,
  });
};
