// The CLI the system tests spawn. BTS_CLI points them at another build (e.g. an old commit's dist/cli.js, to check
// that a test fails before its fix); by default, this tree's build.
import * as path from 'node:path';

export const CLI = process.env.BTS_CLI
  ? path.resolve(process.env.BTS_CLI)
  : path.resolve(__dirname, '../../dist/cli.js');
