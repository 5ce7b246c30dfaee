// The deployment files in deploy/ are checked by the tools their platforms use: `systemd-analyze verify` for the
// unit, and the Kubernetes OpenAPI schemas (kubernetes-models, from npm) for every manifest; the probes and the
// scrape annotation point at what `watch --listen` really serves.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, PersistentVolumeClaim, Secret } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { parseConfigText } from '../../src/core/config';

const root = path.resolve(__dirname, '../..');
const CLI = path.join(root, 'dist/cli.js');

describe('system: deploy/ files', () => {
  it('the systemd unit passes systemd-analyze verify and runs watch with --listen and JSON logs', function () {
    const unit = fs.readFileSync(path.join(root, 'deploy/systemd/biotime-sync.service'), 'utf8');
    assert.match(
      unit,
      /^ExecStart=\/usr\/local\/bin\/biotime-sync watch --listen 127\.0\.0\.1:9464 --log-format json$/m,
    );
    assert.match(unit, /^StateDirectory=biotime-sync$/m);
    assert.match(unit, /^Restart=on-failure$/m);
    const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (analyze.status !== 0) {
      if (process.env.CI) throw new Error('systemd-analyze is not installed (Debian package systemd)');
      this.skip();
    }
    // verify checks that ExecStart's program exists: point it at the built CLI under the unit's own name.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-unit-'));
    const bin = path.join(dir, 'biotime-sync');
    fs.symlinkSync(CLI, bin);
    fs.writeFileSync(path.join(dir, 'secrets.env'), 'BIOTIME_PASSWORD=x\n');
    const file = path.join(dir, 'biotime-sync.service');
    fs.writeFileSync(
      file,
      unit
        .replace('ExecStart=/usr/local/bin/biotime-sync', `ExecStart=${bin}`)
        .replace('EnvironmentFile=/etc/biotime-sync/secrets.env', `EnvironmentFile=${dir}/secrets.env`),
    );
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8' });
    const ours = `${r.stdout}${r.stderr}`
      .split('\n')
      .filter((l) => l.includes('biotime-sync.service') || l.includes(dir));
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.deepEqual(ours, [], 'systemd-analyze has remarks on the unit');
  });

  it('the Kubernetes manifests are valid against the Kubernetes schemas and wire probes, scrape and one replica', () => {
    const text = fs.readFileSync(path.join(root, 'deploy/kubernetes/biotime-sync-group-a.yaml'), 'utf8');
    const docs = parseAllDocuments(text).map((d) => {
      assert.deepEqual(d.errors, []);
      return d.toJS() as { kind: string; apiVersion: string; spec?: Record<string, unknown> };
    });
    const models: Record<string, new (o: never) => { validate(): void }> = {
      ConfigMap,
      Secret,
      PersistentVolumeClaim,
      Deployment,
    };
    assert.deepEqual(docs.map((d) => d.kind).sort(), ['ConfigMap', 'Deployment', 'PersistentVolumeClaim', 'Secret']);
    for (const d of docs) new models[d.kind](d as never).validate();

    const dep = docs.find((d) => d.kind === 'Deployment') as unknown as {
      spec: {
        replicas: number;
        strategy: { type: string };
        template: {
          metadata: { annotations: Record<string, string> };
          spec: {
            containers: { args: string[]; livenessProbe: P; readinessProbe: P; ports: { containerPort: number }[] }[];
          };
        };
      };
    };
    type P = { httpGet: { path: string } };
    assert.equal(dep.spec.replicas, 1);
    assert.equal(dep.spec.strategy.type, 'Recreate', 'an update must never run two pods on one device group');
    const c = dep.spec.template.spec.containers[0];
    assert.deepEqual(c.args, ['watch', '--listen', '0.0.0.0:9464', '--log-format', 'json']);
    assert.equal(c.livenessProbe.httpGet.path, '/healthz');
    assert.equal(c.readinessProbe.httpGet.path, '/readyz');
    assert.equal(dep.spec.template.metadata.annotations['prometheus.io/scrape'], 'true');
    assert.equal(dep.spec.template.metadata.annotations['prometheus.io/port'], String(c.ports[0].containerPort));
    // The configuration in the ConfigMap is one the CLI accepts.
    const cm = docs.find((d) => d.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    assert.equal(parseConfigText(cm.data['config.json'], 'config.json').devices.length, 1);
  });
});
