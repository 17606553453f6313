/**
 * Playwright configuration of the `make hub` UI test: a real JupyterHub (deploy/hub-local/run.py, with
 * Arcade's authenticator against moto's Secrets Manager) instead of a bare JupyterLab. Debian's
 * Chromium, never a downloaded browser. The users and their passwords are this test's fixture
 * (hub/users.json); the hub stores only their Argon2id hashes.
 */
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const port = process.env.ARCADE_HUB_TEST_PORT || '8931';
const state = path.join(os.tmpdir(), `arcade-hub-ui-${process.pid}`);
const args = [
  `--state ${state}`,
  `--port ${port}`,
  `--users ${path.join(__dirname, 'hub', 'users.json')}`,
  `--hub-venv ${root}/.cache/hub/venv`,
  `--notebook ${root}/.cache/hub/notebook`,
  `--notebook-venv ${root}/.cache/images/notebook-venv`,
  `--chp ${root}/deploy/hub-local/node_modules/.bin/configurable-http-proxy`,
  `--moto ${root}/.venv/bin/moto_server`
];

module.exports = {
  testDir: 'hub',
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report-hub' }]
  ],
  retries: 0,
  workers: 1,
  timeout: 300_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    video: 'off',
    trace: 'retain-on-failure',
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
    command: `${root}/.venv/bin/python ${root}/deploy/hub-local/run.py ${args.join(' ')}`,
    url: `http://127.0.0.1:${port}/hub/health`,
    timeout: 180 * 1000,
    reuseExistingServer: false,
    // run.py stops the hub, the users' servers and kernels, the proxy and moto on SIGTERM.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 60_000 }
  }
};
