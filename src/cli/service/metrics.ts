// Prometheus metrics of a headless `watch` process (`--listen`), built with prom-client on a registry of its own.
// Labels carry only configured ids (device, site, shift type), outcomes and status classes: never a name, an
// employee code or a secret. Gauges that describe state are read from the engine when Prometheus scrapes, so they
// are never stale; counters are fed by the engine's events as runs finish.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SyncEngine } from '../../core/engine';
import type { EngineEvent } from '../../core/engineApi';
import type { Disposable } from '../../core/events';
import { httpExchanges, type HttpExchange } from '../../core/http';
import { naiveToInstant } from '../../core/time';
import type { RunStatus } from '../../shared/model';

export const METRIC_PREFIX = 'biotime_sync_';
const RUN_STATUSES: RunStatus[] = ['running', 'completed', 'failed', 'cancelled', 'interrupted'];
const OUTCOMES = ['created', 'duplicate', 'failed', 'skipped'] as const;

export interface ServiceMetrics extends Disposable {
  readonly registry: Registry;
  /** The exposition text (what /metrics serves). */
  render(): Promise<string>;
}

/** Per device, what the process saw of upload times, for the cursor lag (see README "Metrics"). */
interface UploadMarks {
  newestSeen?: number;
  newestSynced?: number;
}

export function createServiceMetrics(engine: SyncEngine, o: { processMetrics?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  if (o.processMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
    // Three of prom-client's Node gauges end in _total, which Prometheus reserves for counters (promtool refuses
    // them); handles and requests in flight are not worth a lint exception.
    for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
      registry.removeSingleMetric(`${METRIC_PREFIX}nodejs_${name}`);
  }
  const p = (name: string) => METRIC_PREFIX + name;
  const deviceIds = () => engine.config.devices.map((d) => d.id);
  const marks = new Map<string, UploadMarks>();

  const punches = new Counter({
    name: p('punches_total'),
    help: 'Punches by outcome, counted as sync and rerun runs finish (dry runs excluded).',
    labelNames: ['device', 'outcome'],
    registers: [registry],
  });
  const runs = new Counter({
    name: p('runs_total'),
    help: 'Finished runs by kind and status.',
    labelNames: ['device', 'kind', 'status'],
    registers: [registry],
  });
  // Every device and outcome starts at 0, so rate() and absent() work from the first scrape.
  for (const device of deviceIds()) for (const outcome of OUTCOMES) punches.labels(device, outcome).inc(0);

  const requests = new Counter({
    name: p('http_requests_total'),
    help: 'HTTP requests to BioTime and Frappe (each attempt), by status class (2xx…5xx) or transport error.',
    labelNames: ['server', 'target', 'class'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: p('http_request_duration_seconds'),
    help: 'Duration of each HTTP attempt to BioTime and Frappe, headers and body.',
    labelNames: ['server', 'target'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const onExchange = (e: HttpExchange) => {
    const cls = e.status !== undefined ? `${Math.floor(e.status / 100)}xx` : `error_${e.error ?? 'other'}`;
    requests.labels(e.server, e.target, cls).inc();
    latency.labels(e.server, e.target).observe(e.durationMs / 1000);
  };

  const onEvent = (e: EngineEvent) => {
    if (e.type === 'outcome') {
      const t = e.outcome.uploadTime ? Date.parse(e.outcome.uploadTime.replace(' ', 'T') + 'Z') : NaN;
      if (Number.isNaN(t)) return;
      const m = marks.get(e.deviceId) ?? {};
      m.newestSeen = Math.max(m.newestSeen ?? t, t);
      if (e.outcome.outcome !== 'failed') m.newestSynced = Math.max(m.newestSynced ?? t, t);
      marks.set(e.deviceId, m);
    } else if (e.type === 'runFinished' && e.summary.kind !== 'dryRun') {
      runs.labels(e.deviceId, e.summary.kind, e.summary.status).inc();
      for (const outcome of OUTCOMES) punches.labels(e.deviceId, outcome).inc(e.summary.counts[outcome]);
    }
  };

  // State gauges, read at scrape time from the engine and its state directory.
  const statusGauges = {
    lastSuccess: new Gauge({
      name: p('device_last_success_timestamp_seconds'),
      help: 'When the device last completed a sync (Unix time); absent before its first success.',
      labelNames: ['device'],
      registers: [registry],
    }),
    lastDuration: new Gauge({
      name: p('device_last_run_duration_seconds'),
      help: 'Duration of the device’s last run.',
      labelNames: ['device'],
      registers: [registry],
    }),
    lastStatus: new Gauge({
      name: p('device_last_run_status'),
      help: 'The status of the device’s last run: 1 for the current status, 0 for the others.',
      labelNames: ['device', 'status'],
      registers: [registry],
    }),
    failedWaiting: new Gauge({
      name: p('failed_punches_waiting'),
      help: 'Failed punches kept for a fix and a rerun.',
      labelNames: ['device'],
      registers: [registry],
    }),
    lag: new Gauge({
      name: p('cursor_lag_seconds'),
      help: 'Newest BioTime upload time seen by this process minus the newest upload time it synced (0 = caught up).',
      labelNames: ['device'],
      registers: [registry],
    }),
    watched: new Gauge({
      name: p('watched_ids'),
      help: 'Transaction ids below the cursor still looked for by every run.',
      labelNames: ['device'],
      registers: [registry],
    }),
    offline: new Gauge({
      name: p('terminals_offline'),
      help: 'Terminals of the device that BioTime reports offline.',
      labelNames: ['device'],
      registers: [registry],
    }),
    failures: new Gauge({
      name: p('device_consecutive_failures'),
      help: 'Failed runs in a row (0 after a success).',
      labelNames: ['device'],
      registers: [registry],
    }),
    enabled: new Gauge({
      name: p('device_enabled'),
      help: '1 when the device is enabled for scheduled syncs.',
      labelNames: ['device'],
      registers: [registry],
    }),
  };
  const shiftGauge = new Gauge({
    name: p('shift_last_sync_of_checkin_timestamp_seconds'),
    help: 'The Last Sync of Checkin each configured Shift Type holds (Unix time).',
    labelNames: ['site', 'shift_type'],
    registers: [registry],
  });

  async function refresh(): Promise<void> {
    for (const g of Object.values(statusGauges)) g.reset();
    shiftGauge.reset();
    for (const s of await engine.status()) {
      const d = s.deviceId;
      if (s.lastSyncAt) statusGauges.lastSuccess.labels(d).set(Date.parse(s.lastSyncAt) / 1000);
      if (s.lastRun?.durationMs != null) statusGauges.lastDuration.labels(d).set(s.lastRun.durationMs / 1000);
      if (s.lastRun)
        for (const st of RUN_STATUSES) statusGauges.lastStatus.labels(d, st).set(s.lastRun.status === st ? 1 : 0);
      statusGauges.failedWaiting.labels(d).set(s.failedCount);
      statusGauges.watched.labels(d).set(s.watchedGaps.reduce((n, g) => n + (g.to - g.from + 1), 0));
      statusGauges.offline.labels(d).set(s.terminals.filter((t) => t.offline).length);
      statusGauges.failures.labels(d).set(s.consecutiveFailures);
      statusGauges.enabled.labels(d).set(s.enabled ? 1 : 0);
      const m = marks.get(d);
      if (m?.newestSeen !== undefined)
        statusGauges.lag.labels(d).set(Math.max(0, (m.newestSeen - (m.newestSynced ?? m.newestSeen)) / 1000));
    }
    for (const site of await engine.shiftStatus()) {
      const zone = engine.config.sites.find((x) => x.id === site.site)?.timeZone;
      for (const r of site.records) {
        const held = r.status === 'moved' ? r.to : (r.from ?? r.to);
        if (!held || !zone) continue;
        const t = naiveToInstant(held, zone);
        if (t.ok) shiftGauge.labels(site.site, r.shiftType).set(t.instant.getTime() / 1000);
      }
    }
  }

  const subs = [engine.onEvent(onEvent), httpExchanges.event(onExchange)];
  return {
    registry,
    async render() {
      await refresh();
      return registry.metrics();
    },
    dispose() {
      for (const s of subs) s.dispose();
      registry.clear();
    },
  };
}
