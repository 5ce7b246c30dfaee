// The entry of dist/sandbox.js: what the operator's sandbox commands need (the extension's "Try with the Built-in
// Sandbox", the CLI's `sandbox` and `demo`). It is bundled apart so that the extension's and the CLI's main bundles
// do not carry the simulated servers; nothing imports it but loadSandbox().
export { startDemoSandbox, type DemoOptions, type DemoSandbox } from './sandboxDemo';
export { startSandboxPair, type SandboxPair, type SandboxPairOptions } from '../sandbox/pair';
export { REAL_SITE_TIME_ZONE, realSiteDeviceIds, realSiteKeys } from '../sandbox/frappe/realSite';
