// Merged into the JupyterLab extension build (package.json jupyterlab.webpackConfig).
// `arcade-engine` is the bridge's stage engine (compiler, linter, lineage) bundled for
// the browser by `npm run build:engine` in kernel-bridge; the frontend loads it lazily.
const path = require('path');

module.exports = {
  resolve: {
    alias: {
      'arcade-engine$': path.resolve(
        __dirname,
        'kernel-bridge/dist/engine.browser.mjs'
      )
    }
  }
};
