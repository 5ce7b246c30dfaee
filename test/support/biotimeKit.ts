// Wiring for the BioTime client's unit tests: a stub server, a FakeClock, in-memory credentials and a captured log.
import { LoginGuard } from '../../src/biotime/auth';
import { BioTimeClient } from '../../src/biotime/client';
import type { DeviceConfig } from '../../src/core/configTypes';
import type { Logger } from '../../src/core/ports';
import type { TransactionPage, TransactionQuery } from '../../src/core/types';
import { Redactor } from '../../src/core/redact';
import { BioTimeStub } from './biotimeStub';
import { device } from './configBuilders';
import { FakeClock } from './fakeClock';
import { FakeCredentials } from './fakeCredentials';

export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  trace(m: string): void {
    this.lines.push(`trace ${m}`);
  }
  debug(m: string): void {
    this.lines.push(`debug ${m}`);
  }
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error ${m}`);
  }
}

export interface Kit {
  stub: BioTimeStub;
  clock: FakeClock;
  creds: FakeCredentials;
  log: CapturingLogger;
  guard: LoginGuard;
  redactor: Redactor;
  client: BioTimeClient;
  /** A second client on the same server, credentials and guard (a later run). */
  newClient(over?: Partial<DeviceConfig>): BioTimeClient;
  close(): Promise<void>;
}

export async function biotimeKit(over: Partial<DeviceConfig> = {}): Promise<Kit> {
  const clock = new FakeClock('2026-03-02T06:00:00Z', { autoAdvance: true });
  const stub = await BioTimeStub.start({ now: () => clock.now() });
  const creds = new FakeCredentials({ biotimePassword: 'secret-pass' });
  const log = new CapturingLogger();
  const guard = new LoginGuard();
  const redactor = new Redactor();
  const make = (o: Partial<DeviceConfig> = {}) =>
    new BioTimeClient({
      device: device({ url: stub.url, pageSize: 10, ...over, ...o }),
      credentials: creds,
      clock,
      logger: log,
      redactor,
      loginGuard: guard,
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
    });
  return { stub, clock, creds, log, guard, redactor, client: make(), newClient: make, close: () => stub.close() };
}

/** Reads every page and returns them, with all punch ids flattened. */
export async function readAll(
  client: BioTimeClient,
  query: Partial<TransactionQuery> = {},
): Promise<{ pages: TransactionPage[]; ids: (number | null)[] }> {
  const pages: TransactionPage[] = [];
  for await (const p of client.readTransactions({ afterId: 0, pageSize: 10, ...query })) pages.push(p);
  return { pages, ids: pages.flatMap((p) => p.punches.map((x) => x.id)) };
}

export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
