// Merged into the JupyterLab extension build (package.json jupyterlab.webpackConfig).
// `arcade-engine` is the Arc engine (compiler, linter, lineage, options) as its package
// builds it for the browser (kernel-bridge/engine, `npm run build`); the frontend loads
// it lazily, so the editor's first paint does not wait for the SQL grammar.
const path = require('path');

module.exports = {
  resolve: {
    alias: {
      'arcade-engine$': path.resolve(
        __dirname,
        'kernel-bridge/engine/dist/index.browser.mjs'
      ),
      // The light entry (isRecord, default environments…), loaded eagerly.
      'arcade-engine/core$': path.resolve(
        __dirname,
        'kernel-bridge/engine/dist/core.browser.mjs'
      )
    }
  }
};
