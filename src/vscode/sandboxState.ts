// Which sandbox demo devices have their simulated servers running in this window. The servers live as long as the
// window that started them; after a reload the demo device is still in the settings but nothing answers at its URL,
// and the views say so plainly instead of showing "connection refused" as if a real server were down.
export const SANDBOX_PREFIX = 'sandbox-';

const running = new Set<string>();

export const sandboxState = {
  isSandbox: (deviceId: string): boolean => deviceId.startsWith(SANDBOX_PREFIX),
  /** A sandbox device whose servers are not running in this window. */
  isStopped: (deviceId: string): boolean => deviceId.startsWith(SANDBOX_PREFIX) && !running.has(deviceId),
  started(ids: string[]): void {
    running.clear();
    for (const id of ids) running.add(id);
  },
  stopped(): void {
    running.clear();
  },
};

export const SANDBOX_STOPPED_TEXT =
  'This is the built-in sandbox demo device: its simulated servers stopped when the window that started them reloaded or closed.';
