/**
 * fastify's inject pulls in the ESM-only `cookie` package, and dt-sql-parser
 * (with antlr4-c3) ships ESM only, which Jest's module loader cannot require
 * on Node 20, so they are transformed too.
 * @type {import('jest').Config}
 */
module.exports = {
  displayName: 'unit',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/unit', '<rootDir>/engine/test'],
  transform: {
    '^.+\\.m?[jt]s$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }]
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(cookie|dt-sql-parser|antlr4-c3)/)'
  ]
};
