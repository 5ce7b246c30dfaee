// The real API clients behind the engine's ports. One BioTime client per device and one Frappe client per site
// (the engine caches them), so tokens and keep-alive connections are reused across runs.
import { BioTimeClient } from '../biotime/client';
import { BioTimeUserControl } from '../biotime/userControl';
import type { AttendanceSource, CheckinSink, Clock, Connectors, CredentialProvider, Logger } from '../core/ports';
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

export function realConnectors(deps: ConnectorDeps): Connectors {
  // The user-control mechanisms call the servers below the ports (raw API calls through the same authenticated
  // client, so no second login): each client is kept beside the port it serves, never recovered by a cast.
  const biotimeClients = new WeakMap<AttendanceSource, BioTimeClient>();
  const frappeClients = new WeakMap<CheckinSink, FrappeClient>();
  return {
    source: (device) =>
      kept(
        biotimeClients,
        new BioTimeClient({
          device,
          credentials: deps.credentials,
          clock: deps.clock,
          logger: deps.logger,
          redactor: deps.redactor,
        }),
      ),
    sink: (site) =>
      kept(
        frappeClients,
        new FrappeClient({
          site,
          credentials: deps.credentials,
          clock: deps.clock,
          logger: deps.logger,
          concurrency: deps.frappeConcurrency,
        }),
      ),
    userControl: (device, source, sink) => {
      switch (device.userControl.mode) {
        case 'off':
          return undefined;
        case 'frappe-user':
          return new FrappeUserControl({ client: builtHere(frappeClients, sink, 'Frappe'), logger: deps.logger });
        case 'area':
        case 'resign':
          return new BioTimeUserControl({
            client: builtHere(biotimeClients, source, 'BioTime'),
            device,
            clock: deps.clock,
            logger: deps.logger,
          });
      }
    },
  };
}

function kept<P extends object, C extends P>(clients: WeakMap<P, C>, client: C): C {
  clients.set(client, client);
  return client;
}

/** The client behind a port these connectors built; another implementation has no server to control users on. */
function builtHere<P extends object, C>(clients: WeakMap<P, C>, port: P, server: string): C {
  const client = clients.get(port);
  if (!client) throw new Error(`User control needs the ${server} client these connectors built, not another one.`);
  return client;
}
