// Loads the simulated servers when the operator asks for them, and only then. In the bundles, esbuild.js resolves
// './sandboxEntry' to the separate output dist/sandbox.js next to dist/extension.js and dist/cli.js; run from the
// sources (tests, tsx) it loads the TypeScript entry. A require, not import(): both bundles are CommonJS, and the
// extension host resolves a require of a sibling file the same way in every VS Code version.
import type * as sandboxEntry from './sandboxEntry';

export type SandboxModule = typeof sandboxEntry;

export async function loadSandbox(): Promise<SandboxModule> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./sandboxEntry') as SandboxModule;
}
