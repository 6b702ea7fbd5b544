/** Jest runs the TypeScript sources as native ES modules through SWC (typescript@7 has no JS API; see README.md, "Development" and docs/architecture.md). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022', experimental: { keepImportAttributes: true } },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: { '^#shared/(.*)$': '<rootDir>/shared/$1.ts' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  setupFiles: ['<rootDir>/test/support/env.ts'],
};
