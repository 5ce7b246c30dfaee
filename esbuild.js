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
