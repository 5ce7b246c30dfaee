// Bundles the three entry points (extension host, CLI, webview scripts); see docs/reference/style.md "Build".
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Reports build results in the `$esbuild-watch` problem-matcher format. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/**
 * The simulated servers are loaded only when the operator asks for them (src/app/loadSandbox.ts): the main bundles
 * keep `require('./sandbox.js')` instead of inlining them, and dist/sandbox.js is built from the same entry.
 */
const sandboxApart = {
  name: 'sandbox-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/sandboxEntry$/ }, () => ({ path: './sandbox.js', external: true }));
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcher],
};

function exists(p) {
  return fs.existsSync(path.join(__dirname, p));
}

async function main() {
  const configs = [];
  if (exists('src/vscode/extension.ts')) {
    configs.push({
      ...common,
      entryPoints: ['src/vscode/extension.ts'],
      outfile: 'dist/extension.js',
      format: 'cjs',
      platform: 'node',
      target: 'node18',
      external: ['vscode'],
      plugins: [problemMatcher, sandboxApart],
    });
  }
  configs.push({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    banner: { js: '#!/usr/bin/env node' },
    // A native binding (prebuilt binaries per platform inside its npm packages): loaded from node_modules.
    external: ['@napi-rs/keyring'],
    plugins: [problemMatcher, sandboxApart],
  });
  configs.push({
    ...common,
    entryPoints: ['src/app/sandboxEntry.ts'],
    outfile: 'dist/sandbox.js',
    format: 'cjs',
    platform: 'node',
    target: 'node18',
  });
  const webviewDir = path.join(__dirname, 'src/webview');
  const webviewEntries = fs.existsSync(webviewDir)
    ? fs
        .readdirSync(webviewDir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `src/webview/${f}`)
    : [];
  if (webviewEntries.length) {
    configs.push({
      ...common,
      entryPoints: webviewEntries,
      outdir: 'dist/webview',
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
    });
  }
  if (exists('test/integration/index.ts')) {
    configs.push({
      ...common,
      entryPoints: ['test/integration/index.ts'],
      outfile: 'dist/test/integration.js',
      format: 'cjs',
      platform: 'node',
      target: 'node18',
      external: ['vscode', 'mocha'],
    });
  }
  if (watch) {
    const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(configs.map((c) => esbuild.build(c)));
    if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
