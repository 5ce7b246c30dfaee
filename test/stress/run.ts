// `npm run test:stress`: the unit and system suites (build + mocha, as in `npm test`) while a competing load keeps
// every core busy. A test that only passes on an idle machine (it hopes one process is slower than another, or
// asserts on elapsed time) fails here instead of on a loaded CI machine. The load is bounded: one busy-loop process
// per core that stops by itself after STRESS_MAX_SECONDS (default 900), and is killed when the suites end.
import { spawn } from 'node:child_process';
import * as os from 'node:os';

const cores = os.availableParallelism();
const workers = Number(process.env.STRESS_WORKERS || cores);
const maxSeconds = Number(process.env.STRESS_MAX_SECONDS || 900);
const burn = `const end = Date.now() + ${maxSeconds * 1000}; let x = 0; while (Date.now() < end) x = (x * 31 + 7) % 1000003;`;

const load = Array.from({ length: workers }, () => spawn(process.execPath, ['-e', burn], { stdio: 'ignore' }));
const stopLoad = () => {
  for (const p of load) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
};
process.on('exit', stopLoad);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(sig, () => {
    stopLoad();
    process.exit(130);
  });
console.log(
  `test:stress: ${workers} busy-loop process(es) on ${cores} core(s), each stopping by itself within ${maxSeconds} s`,
);

const run = (args: string[]) =>
  new Promise<number>((resolve) => {
    const p = spawn('npm', args, { stdio: 'inherit' });
    p.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

async function main(): Promise<void> {
  let code = await run(['run', '-s', 'build']);
  if (code === 0) code = await run(['run', '-s', 'test:unit']);
  if (code === 0) code = await run(['run', '-s', 'test:system']);
  stopLoad();
  console.log(`test:stress: ${code === 0 ? 'passed' : `failed (exit ${code})`} under the competing load`);
  process.exit(code);
}

void main();
