// Tests a device's answers before anything is saved: a throw-away engine over a temporary state directory, with
// the typed-in secrets as in-memory overrides (never stored, never logged), running the doctor checks.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine } from '../../app/createEngine';
import { validateConfig } from '../../core/config';
import type { DoctorCheck } from '../../shared/model';
import type { SecretKey } from '../adapters/secretStorageCredentials';
import type { CommandDeps } from './commandSupport';

export async function probeDevice(
  deps: CommandDeps,
  device: Record<string, unknown> & { id: string },
  site: Record<string, unknown>,
  overrides: ReadonlyMap<SecretKey, string>,
  signal?: AbortSignal,
): Promise<DoctorCheck[]> {
  const config = validateConfig({ sites: [site], devices: [device] });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'biosync-probe-'));
  const built = createEngine({
    config,
    stateDir: dir,
    credentials: deps.credentials.withOverrides(overrides),
    logger: deps.logger.scoped('test connection'),
  });
  try {
    return await built.engine.doctor(device.id, signal);
  } finally {
    await built.dispose().catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
