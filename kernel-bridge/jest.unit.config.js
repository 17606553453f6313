/**
 * fastify's inject pulls in the ESM-only `cookie` package, which Jest's
 * module loader cannot require on Node 20, so it is transformed too.
 * @type {import('jest').Config}
 */
module.exports = {
  displayName: 'unit',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/unit'],
  transform: {
    '^.+\\.[jt]s$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }]
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/)']
};
