// The composition root hands user control the clients it built, found by port, never cast (issue 17).
import * as assert from 'node:assert/strict';
import { realConnectors } from '../../../src/app/connectors';
import { BioTimeUserControl } from '../../../src/biotime/userControl';
import { Redactor, nullLogger } from '../../../src/core/redact';
import { FrappeUserControl } from '../../../src/frappe/userControl';
import { device, site } from '../../support/configBuilders';
import { FakeSink, FakeSource } from '../../support/enginePortFakes';
import { FakeClock } from '../../support/fakeClock';
import { FakeCredentials } from '../../support/fakeCredentials';

const connectors = () =>
  realConnectors({
    credentials: new FakeCredentials({ biotimePassword: 'pw', frappeApiKey: 'k', frappeApiSecret: 's' }),
    clock: new FakeClock('2026-11-24T08:00:00Z'),
    logger: nullLogger,
    redactor: new Redactor(),
  });

const withMode = (mode: 'frappe-user' | 'area') =>
  device({ userControl: { mode, onIn: 'enable', onOut: 'disable', exempt: [] } });

describe('app/connectors', () => {
  it('builds each user-control mechanism on the client behind the port it was given', () => {
    const c = connectors();
    const dev = withMode('frappe-user');
    assert.ok(c.userControl(dev, c.source(dev), c.sink(site())) instanceof FrappeUserControl);
    const area = withMode('area');
    assert.ok(c.userControl(area, c.source(area), c.sink(site())) instanceof BioTimeUserControl);
    assert.equal(c.userControl(device(), c.source(device()), c.sink(site())), undefined);
  });

  it('refuses a port it did not build instead of treating it as its client', () => {
    const c = connectors();
    assert.throws(() => c.userControl(withMode('frappe-user'), new FakeSource(), new FakeSink()), /Frappe client/);
    assert.throws(() => c.userControl(withMode('area'), new FakeSource(), c.sink(site())), /BioTime client/);
  });
});
