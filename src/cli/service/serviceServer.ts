// The HTTP face of `biotime-sync watch --listen HOST:PORT`: /metrics (Prometheus text format), /healthz (the
// process is up and its event loop answers) and /readyz (see readiness.ts), each /…z with a JSON body that says
// why. Loopback by default: metrics name devices and sites, so exposing them is the operator's explicit choice.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge } from 'prom-client';
import type { EngineHandle } from '../../app/createEngine';
import { errorMessage } from '../../core/errors';
import { UsageError } from '../args';
import { createServiceMetrics, METRIC_PREFIX, type ServiceMetrics } from './metrics';
import { readiness, type Readiness } from './readiness';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `9464`, `:9464`, `127.0.0.1:9464`, `[::1]:9464`, `0.0.0.0:9464`; the host defaults to loopback. */
export function parseListen(text: string): ListenAddress {
  const t = text.trim();
  const bad = () => new UsageError(`--listen takes [HOST:]PORT (for example 127.0.0.1:9464), not '${text}'.`);
  let host = '127.0.0.1';
  let portText = t;
  if (t.startsWith('[')) {
    const close = t.indexOf(']:');
    if (close < 0) throw bad();
    host = t.slice(1, close);
    portText = t.slice(close + 2);
  } else if (t.includes(':')) {
    const at = t.lastIndexOf(':');
    host = t.slice(0, at) || host;
    portText = t.slice(at + 1);
    if (/[:/\s]/.test(host)) throw bad();
  }
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) throw bad();
  return { host, port };
}

export interface ServiceServer {
  readonly url: string;
  readonly metrics: ServiceMetrics;
  close(): Promise<void>;
}

export interface ServiceServerOptions {
  handle: EngineHandle;
  listen: ListenAddress;
  configProblems?: () => string[];
  now?: () => Date;
}

export async function startServiceServer(options: ServiceServerOptions): Promise<ServiceServer> {
  const { handle } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const metrics = createServiceMetrics(handle.engine);
  const readyGauge = new Gauge({
    name: `${METRIC_PREFIX}device_ready`,
    help: 'Whether the device counts as ready in /readyz (1) or holds readiness back (0).',
    labelNames: ['device'],
    registers: [metrics.registry],
  });
  const readyProcess = new Gauge({
    name: `${METRIC_PREFIX}ready`,
    help: 'Whether /readyz answers ready (1) or not (0).',
    registers: [metrics.registry],
  });

  async function ready(): Promise<Readiness> {
    const status = await handle.engine.status();
    const holder = handle.lock.isHeld ? undefined : await handle.lock.holder().catch(() => undefined);
    const r = readiness({
      now: now(),
      startedAt,
      lockHeld: handle.lock.isHeld,
      lockHolder: holder ? `${holder.owner} (pid ${holder.pid} on ${holder.host})` : undefined,
      configProblems: options.configProblems?.() ?? [],
      devices: status.map((s) => ({ ...s, intervalMinutes: handle.engine.device(s.deviceId).intervalMinutes })),
    });
    readyGauge.reset();
    for (const d of r.devices) readyGauge.labels(d.device).set(d.ready ? 1 : 0);
    readyProcess.set(r.ready ? 1 : 0);
    return r;
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    const json = (status: number, body: unknown) =>
      send(status, 'application/json; charset=utf-8', JSON.stringify(body, null, 2) + '\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'only GET' });
    const fail = (e: unknown) => json(500, { error: errorMessage(e) });
    switch (path) {
      case '/metrics':
        return void ready()
          .then(() => metrics.render())
          .then((text) => send(200, metrics.registry.contentType, text), fail);
      case '/healthz':
        return json(200, { status: 'ok', pid: process.pid, uptimeSeconds: Math.round(process.uptime()) });
      case '/readyz':
        return void ready().then((r) => json(r.ready ? 200 : 503, r), fail);
      default:
        return json(404, { error: `no ${path}; try /metrics, /healthz or /readyz` });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        metrics.dispose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
