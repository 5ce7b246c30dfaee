// The simulated pair: one BioTime and one Frappe HR sandbox started together and closed together. Every place that
// needs both (the demo, the CLI's `sandbox`, the system tests, the benchmark, the fault campaign) starts them here,
// so a Frappe that fails to start never leaves a BioTime listening behind it.
import { startBioTimeSandbox, type BioTimeSandbox, type BioTimeSandboxOptions } from './biotime/server';
import { startFrappeSandbox, type FrappeSandbox, type FrappeSandboxOptions } from './frappe/server';

export interface SandboxPairOptions {
  biotime?: BioTimeSandboxOptions;
  frappe?: FrappeSandboxOptions;
}

export interface SandboxPair {
  biotime: BioTimeSandbox;
  frappe: FrappeSandbox;
  /** Stops both servers. */
  close(): Promise<void>;
}

export async function startSandboxPair(options: SandboxPairOptions = {}): Promise<SandboxPair> {
  const biotime = await startBioTimeSandbox(options.biotime);
  let frappe: FrappeSandbox;
  try {
    frappe = await startFrappeSandbox(options.frappe);
  } catch (e) {
    await biotime.close();
    throw e;
  }
  return {
    biotime,
    frappe,
    close: async () => {
      await Promise.all([biotime.close(), frappe.close()]);
    },
  };
}
