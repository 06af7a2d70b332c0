// Two projects: unit specs beside the code, e2e suites that boot the app on a
// real PostgreSQL. Run through `npm test` (scripts/test.mjs), which provides
// the database and the --experimental-vm-modules flag Nest 12's ESM needs.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

// ESM-only packages that CommonJS packages require (@fastify/static requires
// content-disposition 3; light-my-request, behind Fastify's inject() that the
// console uses, requires cookie 2). Node 20.19 loads them with require(esm); jest's
// module loader cannot before Node 24.9, so it gets them compiled to CommonJS.
const REQUIRED_ESM_PACKAGES = ['content-disposition', 'cookie'];
const toCommonJs = ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc,
    [`/node_modules/(?:.+/node_modules/)?(?:${REQUIRED_ESM_PACKAGES.join('|')})/.+\\.js$`]: toCommonJs,
  },
  transformIgnorePatterns: [`/node_modules/(?!(?:.+/node_modules/)?(?:${REQUIRED_ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

export default {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
  ],
};
