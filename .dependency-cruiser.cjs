// The boundaries STYLE.md draws, as rules `npm run lint` enforces
// (test/e2e/house-rules.e2e-spec.ts proves each one fails when broken).
// Folders of src/, bottom to top:
//   config < infra < auth < tenants < users < operators < oidc < api-keys;  tenants < features;  health, metrics,
//   cli, console and the app files on top (console, the admin console's server side, calls the API like any client).
// api-keys provides auth's and oidc's ports for keys (src/auth/api-key.port.ts): neither imports it.
// Each rule forbids an import against that order, so folders cannot form a cycle.
const folder = (name) => `^src/${name}/`;
const above = {
  config: ['infra', 'auth', 'tenants', 'users', 'operators', 'oidc', 'features', 'health', 'metrics', 'cli', 'console', 'api-keys'],
  infra: ['auth', 'tenants', 'users', 'operators', 'oidc', 'features', 'health', 'metrics', 'cli', 'console', 'api-keys'],
  auth: ['tenants', 'users', 'operators', 'oidc', 'features', 'health', 'metrics', 'cli', 'console', 'api-keys'],
  tenants: ['users', 'operators', 'oidc', 'features', 'health', 'metrics', 'cli', 'console', 'api-keys'],
  users: ['operators', 'oidc', 'features', 'health', 'metrics', 'cli', 'console', 'api-keys'],
  operators: ['oidc', 'features', 'health', 'metrics', 'cli', 'console', 'api-keys'],
  oidc: ['features', 'health', 'metrics', 'cli', 'console', 'api-keys'],
  features: ['oidc', 'users', 'operators', 'health', 'metrics', 'cli', 'console', 'api-keys'],
  health: ['tenants', 'users', 'operators', 'oidc', 'features', 'metrics', 'cli', 'console', 'api-keys'],
  'api-keys': ['users', 'operators', 'features', 'health', 'metrics', 'cli', 'console'],
  // Metrics observes every module; none of them may know it is observed.
  metrics: ['cli', 'console'],
  console: ['cli', 'metrics'],
};
const APP_FILES = '^src/(app\\.module|app\\.factory|main|cli|openapi)\\.ts$';

module.exports = {
  forbidden: [
    ...Object.entries(above).map(([name, higher]) => ({
      name: `${name}-imports-above-it`,
      comment: `src/${name} may not import ${higher.join(', ')} or the app's composition files: dependencies point down.`,
      severity: 'error',
      from: { path: folder(name) },
      to: { path: [`^src/(${higher.join('|')})/`, APP_FILES] },
    })),
    {
      name: 'no-circular',
      comment: 'No import cycles, inside a folder or across folders.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '^src/generated/'] },
    exclude: { path: ['^src/generated/', '\\.spec\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
