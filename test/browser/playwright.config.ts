import { defineConfig } from '@playwright/test';

/**
 * Browser tests against the real built server (`npm run test:browser` builds it first). They drive Debian's
 * Chromium (`apt-get install -y chromium`); Playwright's own browser download is not needed.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.browser.ts',
  // Each test starts its own server; one at a time keeps the two CPU cores for server and browser.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: '../../test-results/playwright.json' }]],
  outputDir: '../../test-results/playwright',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
});
