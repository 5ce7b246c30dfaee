// Builders for Frappe client tests: a site pointing at a FrappeStub, a recording logger, a client.
import type { SiteConfig } from '../../src/core/configTypes';
import type { Logger } from '../../src/core/ports';
import { FrappeClient, type FrappeClientOptions } from '../../src/frappe/client';
import { site } from './configBuilders';
import { FakeClock } from './fakeClock';
import { FakeCredentials } from './fakeCredentials';
import { STUB_KEY, STUB_SECRET, type FrappeStub, type StubEmployee } from './frappeStub';

/** A site on the stub; no time zone configured (the client reads the site's own). */
export function frappeSite(url: string, overrides: Partial<SiteConfig> = {}): SiteConfig {
  return site({ url, timeZone: undefined, timeoutSeconds: 10, ...overrides });
}

export interface RecordingLogger extends Logger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const at = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface FrappeTestClient {
  client: FrappeClient;
  clock: FakeClock;
  logger: RecordingLogger;
}

/** A client on the stub with an auto-advancing FakeClock (back-offs take no real time). */
export function frappeTestClient(stub: FrappeStub, options: Partial<FrappeClientOptions> = {}): FrappeTestClient {
  const clock = new FakeClock('2024-05-24T06:00:00Z', { autoAdvance: true });
  const logger = recordingLogger();
  const client = new FrappeClient({
    site: frappeSite(stub.url),
    credentials: new FakeCredentials({ frappeApiKey: STUB_KEY, frappeApiSecret: STUB_SECRET }),
    clock,
    logger,
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 60_000 },
    ...options,
  });
  return { client, clock, logger };
}

/** `n` active employees HR-EMP-00001…, Biometric IDs "101"…. */
export function stubEmployees(n: number): StubEmployee[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `HR-EMP-${String(i + 1).padStart(5, '0')}`,
    employee_name: `Employee ${i + 1}`,
    attendance_device_id: String(101 + i),
    status: 'Active',
    user_id: `emp${i + 1}@example.com`,
  }));
}
