// The real API clients behind the engine's ports. One BioTime client per device and one Frappe client per site
// (the engine caches them), so tokens and keep-alive connections are reused across runs.
import { BioTimeClient } from '../biotime/client';
import { BioTimeUserControl } from '../biotime/userControl';
import type { Clock, Connectors, CredentialProvider, Logger } from '../core/ports';
import type { Redactor } from '../core/redact';
import { FrappeClient } from '../frappe/client';
import { FrappeUserControl } from '../frappe/userControl';

export interface ConnectorDeps {
  credentials: CredentialProvider;
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  /** Concurrent Frappe writes (default 2, a typical small bench). */
  frappeConcurrency?: number;
}

export function realConnectors(d: ConnectorDeps): Connectors {
  return {
    source: (device) =>
      new BioTimeClient({ device, credentials: d.credentials, clock: d.clock, logger: d.logger, redactor: d.redactor }),
    sink: (site) =>
      new FrappeClient({
        site,
        credentials: d.credentials,
        clock: d.clock,
        logger: d.logger,
        concurrency: d.frappeConcurrency,
      }),
    userControl: (device, source, sink) => {
      switch (device.userControl.mode) {
        case 'off':
          return undefined;
        case 'frappe-user':
          return new FrappeUserControl({ client: sink as FrappeClient, logger: d.logger });
        case 'area':
        case 'resign':
          return new BioTimeUserControl({ client: source as BioTimeClient, device, clock: d.clock, logger: d.logger });
      }
    },
  };
}
