const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyterlab/',
  'antlr4-c3',
  'dt-sql-parser',
  'lib0',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  // The engine's sources (JupyterLab loads its browser build lazily); nothing needs building first.
  moduleNameMapper: {
    ...baseConfig.moduleNameMapper,
    '^arcade-engine$': '<rootDir>/kernel-bridge/engine/src/index.ts',
    '^arcade-engine/core$': '<rootDir>/kernel-bridge/engine/src/core.ts'
  },
  // The engine's dependencies resolve from kernel-bridge/node_modules, where antlr4-c3 ships .mjs.
  transform: {
    ...baseConfig.transform,
    '^.+\\.mjs$': 'babel-jest'
  },
  collectCoverageFrom: ['src/**/*.{ts,tsx}', '!src/**/*.d.ts'],
  reporters: ['default'],
  roots: ['<rootDir>/src'],
  testRegex: '/__tests__/.*\\.spec\\.tsx?$',
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
