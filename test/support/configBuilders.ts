// Small builders for fully-defaulted configuration objects in tests.
import type { DeviceConfig, SiteConfig, SyncConfig } from '../../src/core/configTypes';

export function site(overrides: Partial<SiteConfig> = {}): SiteConfig {
  return {
    id: 'acme',
    url: 'http://frappe.invalid',
    timeZone: 'Asia/Dubai',
    tls: { verify: true },
    timeoutSeconds: 30,
    shiftTypes: [],
    shiftSyncMarginMinutes: 5,
    writeMode: 'polite',
    ...overrides,
  };
}

export function device(overrides: Partial<DeviceConfig> = {}): DeviceConfig {
  return {
    id: 'hq',
    name: 'Head office',
    url: 'http://biotime.invalid:8081',
    username: 'api',
    site: 'acme',
    enabled: true,
    intervalMinutes: 5,
    timeZone: 'Asia/Dubai',
    authScheme: 'jwt',
    punchStates: { '0': 'IN', '1': 'OUT' },
    otherPunchStates: 'IN',
    onSiteChange: 'keepCursor',
    userControl: { mode: 'off', onIn: 'enable', onOut: 'disable', exempt: [] },
    pageSize: 3,
    tls: { verify: true },
    timeoutSeconds: 30,
    offlineAfterMinutes: 60,
    terminalLocations: {},
    ...overrides,
  };
}

export function config(devices: DeviceConfig[] = [device()], sites: SiteConfig[] = [site()]): SyncConfig {
  return { sites, devices };
}
