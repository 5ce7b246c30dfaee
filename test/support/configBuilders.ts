// Small builders for fully-defaulted configuration objects in tests.
import type { DeviceConfig, SiteConfig, SyncConfig, UserControlConfig } from '../../src/core/configTypes';

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

/** A device's userControl block with its defaults (mode off, IN enables, OUT disables, nobody exempt). */
export function userControl(overrides: Partial<UserControlConfig> = {}): UserControlConfig {
  return { mode: 'off', onIn: 'enable', onOut: 'disable', exempt: [], ...overrides };
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
    userControl: userControl(),
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

/**
 * A site as an operator writes it in a configuration file (validateConfig's input): the keys without a default.
 * JSON.stringify drops an override set to undefined, which leaves that key out of the file.
 */
export function rawSite(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'acme', url: 'http://frappe.invalid', timeZone: 'Asia/Dubai', ...overrides };
}

/** A device as an operator writes it in a configuration file; see rawSite. */
export function rawDevice(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'hq',
    url: 'http://biotime.invalid:8081',
    username: 'api',
    site: 'acme',
    timeZone: 'Asia/Dubai',
    ...overrides,
  };
}

/** A configuration file's content: one device and one site unless given others. */
export function rawConfig(
  devices: Record<string, unknown>[] = [rawDevice()],
  sites: Record<string, unknown>[] = [rawSite()],
): { sites: Record<string, unknown>[]; devices: Record<string, unknown>[] } {
  return { sites, devices };
}
