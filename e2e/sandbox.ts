// Starts the demo sandbox servers (simulated BioTime and Frappe HR on loopback) for the UI test and writes their
// URLs and demo credentials to the file named by argv[2]. Runs until killed. Run with: npx tsx e2e/sandbox.ts out.json
import * as fs from 'node:fs';
import { startDemoSandbox } from '../src/app/sandboxDemo';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: tsx e2e/sandbox.ts <out.json>');
  const demo = await startDemoSandbox();
  // A Shift Type of the UI test's own: the test adds it to its site's `shiftTypes` in settings.json, as an operator
  // would, and reads its Last Sync of Checkin decision in the dashboard (told apart from the built-in sandbox's).
  demo.frappe.store.addShiftType({ name: 'Office Hours', last_sync_of_checkin: `${demo.day} 00:00:00` });
  const device = demo.config.devices[0] as Record<string, unknown>;
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        biotimeUrl: demo.biotimeUrl,
        frappeUrl: demo.frappeUrl,
        secrets: demo.secrets,
        device,
        site: demo.config.sites[0],
        shiftType: 'Office Hours',
      },
      null,
      2,
    ),
  );
  const stop = () => void demo.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
