/**
 * Playwright configuration for the Galata UI tests, on Galata's defaults.
 *
 * Uses the system Chromium (never a downloaded browser) and starts JupyterLab
 * from the repository's .venv, where jupyterlab_arcade is installed.
 */
const path = require('path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.ARCADE_UI_TEST_PORT || '8888';
const jupyter = path.resolve(__dirname, '..', '.venv', 'bin', 'jupyter');

module.exports = {
  ...baseConfig,
  // hub/ has a configuration of its own (playwright.hub.config.js, make test-hub).
  testIgnore: [
    '**/hub/**',
    ...(process.env.ARCADE_SCREENSHOT ? [] : ['**/screenshot.spec.ts'])
  ],
  reporter: [['list'], ['html', { open: 'never' }]],
  retries: 0,
  workers: 1,
  use: {
    ...baseConfig.use,
    // Video needs Playwright's own ffmpeg download, which is not used here.
    video: 'off',
    trace: 'retain-on-failure',
    baseURL: `http://localhost:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run'
      ]
    }
  },
  webServer: {
    command: `${jupyter} lab --config jupyter_server_test_config.py`,
    url: `http://localhost:${port}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
