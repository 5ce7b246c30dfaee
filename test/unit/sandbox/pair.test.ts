import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { startSandboxPair } from '../../../src/sandbox/pair';

/** A port something else listens on, and a function that frees it. */
async function takenPort(): Promise<{ port: number; free(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, free: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** True when nothing listens on the port any more (we can listen on it ourselves). */
async function isFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('sandbox: startSandboxPair', () => {
  it('starts BioTime and Frappe with their own options, and one close() stops both', async () => {
    const pair = await startSandboxPair({
      biotime: { users: [{ username: 'api', password: 'bt-pass' }] },
      frappe: { apiKeys: [{ key: 'k1', secret: 's1', user: 'sync@example.com' }] },
    });
    const bt = await fetch(`${pair.biotime.url}/jwt-api-token-auth/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'api', password: 'bt-pass' }),
    });
    assert.equal(bt.status, 200, await bt.text());
    const fr = await fetch(`${pair.frappe.url}/api/method/frappe.auth.get_logged_user`, {
      headers: { authorization: 'token k1:s1' },
    });
    assert.equal(fr.status, 200, await fr.text());
    const ports = [pair.biotime.url, pair.frappe.url].map((u) => Number(new URL(u).port));
    await pair.close();
    for (const port of ports) assert.ok(await isFree(port), `port ${port} is still taken after close()`);
  });

  it('when Frappe cannot start, the BioTime it started first is closed and the error is the caller’s', async () => {
    const taken = await takenPort();
    const spare = await takenPort();
    await spare.free();
    try {
      await assert.rejects(
        startSandboxPair({ biotime: { port: spare.port }, frappe: { port: taken.port } }),
        /EADDRINUSE/,
      );
      assert.ok(await isFree(spare.port), 'the BioTime sandbox was left listening');
    } finally {
      await taken.free();
    }
  });
});
