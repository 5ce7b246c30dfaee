// The configuration shape, shared by the CLI's JSON file and the extension's settings. Secrets are never part of
// it: they come from the environment (CLI) or SecretStorage (extension) through CredentialProvider.
import type { PunchStateAction, UserControlMode } from '../shared/model';

export interface TlsConfig {
  /** Verify the server certificate (default true). Turning it off is an explicit, per-server opt-out. */
  verify: boolean;
  /** PEM file of a CA to trust in addition to the system ones (for self-signed servers). */
  caFile?: string;
}

export interface ShiftFeedConfig {
  /** Shift Type name in Frappe. */
  shiftType: string;
  /** Devices feeding it; omitted = every device of the site. */
  devices?: string[];
}

export interface SiteConfig {
  id: string;
  url: string;
  /** IANA zone of the Frappe site (System Settings time_zone); read from the site when omitted. */
  timeZone?: string;
  tls: TlsConfig;
  timeoutSeconds: number;
  /** Shift Types whose "Last Sync of Checkin" this tool moves forward. */
  shiftTypes: ShiftFeedConfig[];
  /** Safety margin subtracted before moving last_sync_of_checkin (minutes). */
  shiftSyncMarginMinutes: number;
  /**
   * How checkins are written: "polite" (default) keeps one insert_many in flight, sized to about a second of the
   * site's work, so a Frappe worker stays free for the people using the site; "fast" keeps two 200-document
   * insert_many in flight (every worker busy: the desk waits seconds) for a catch-up nobody is using the site during.
   */
  writeMode: WriteMode;
  /** "HH:MM-HH:MM", local time of this computer: writes go "fast" inside it even when writeMode is "polite". */
  fastWriteHours?: string;
}

export type WriteMode = 'polite' | 'fast';

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

export interface UserControlConfig {
  mode: UserControlMode;
  /** What an IN punch does (default enable) and what an OUT punch does (default disable). */
  onIn: 'enable' | 'disable' | 'none';
  onOut: 'enable' | 'disable' | 'none';
  /** `area` mode: area code of the BioTime area with no terminals (where disabled employees are moved). */
  noAccessArea?: string;
  /** Employee codes never touched. */
  exempt: string[];
}

export const SITE_CHANGE_ACTIONS = ['keepCursor', 'readFromImportSince'] as const;
export type SiteChangeAction = (typeof SITE_CHANGE_ACTIONS)[number];

export interface DeviceConfig {
  id: string;
  name: string;
  /** BioTime base URL, e.g. https://biotime.example.com:8081 (also sent as Employee Checkin device_id). */
  url: string;
  username: string;
  site: string;
  enabled: boolean;
  intervalMinutes: number;
  /** IANA zone BioTime's naive times are in; defaults to the site's zone. */
  timeZone?: string;
  authScheme: 'jwt' | 'token';
  punchStates: Record<string, PunchStateAction>;
  /**
   * What a run does when the device's `site` changed since its last run: keep the cursor (punches already read are
   * not imported into the new site) or read again from importSince into the new site.
   */
  onSiteChange: SiteChangeAction;
  otherPunchStates: PunchStateAction;
  userControl: UserControlConfig;
  pageSize: number;
  /** Only punches at or after this BioTime time are imported (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`). */
  importSince?: string;
  tls: TlsConfig;
  timeoutSeconds: number;
  /** A terminal silent longer than this is reported offline. */
  offlineAfterMinutes: number;
  /** Coordinates used when a punch has none: per terminal serial, then per device. */
  terminalLocations: Record<string, GeoPoint>;
  location?: GeoPoint;
}

export interface SyncConfig {
  sites: SiteConfig[];
  devices: DeviceConfig[];
  /** Days the punch history keeps (default 400). Optional for configs built in code; validateConfig fills it. */
  historyDays?: number;
}
