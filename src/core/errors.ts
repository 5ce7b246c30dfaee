// Typed errors of the engine. Hosts translate them at the edge by `reason`, never by message text.
// Every message is written for an operator and must never contain a secret (the logger redacts too, but
// errors are built from safe parts in the first place).
import type { ErrorRecord, MissingCredential } from '../shared/model';

export abstract class SyncError extends Error {
  abstract readonly code: string;
  /** What the operator should do about it. */
  readonly hint?: string;
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.hint = hint;
  }
  toJSON(): ErrorRecord {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

export type HttpFailureReason =
  | 'auth' // credentials refused
  | 'permission' // authenticated but not allowed (403)
  | 'unreachable' // DNS, refused, reset, timeout after retries
  | 'tls' // certificate verification failed
  | 'badResponse' // HTML where JSON was expected, malformed JSON, unexpected shape, oversized body
  | 'http' // any other HTTP status
  | 'license' // BioTime API module not licensed
  | 'cancelled';

export class BioTimeError extends SyncError {
  readonly code: string;
  constructor(
    readonly reason: HttpFailureReason | 'idsWentBack' | 'order',
    message: string,
    hint?: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, hint, options);
    this.code = `biotime.${reason}`;
    this.status = options?.status;
  }
  readonly status?: number;
  static is(e: unknown, reason?: BioTimeError['reason']): e is BioTimeError {
    return e instanceof BioTimeError && (reason === undefined || e.reason === reason);
  }
}

export class FrappeError extends SyncError {
  readonly code: string;
  readonly status?: number;
  /** Frappe's exception class (`exc_type`), e.g. ValidationError, InactiveEmployeeStatusError. */
  readonly excType?: string;
  constructor(
    readonly reason: HttpFailureReason | 'duplicate' | 'employeeNotFound' | 'validation',
    message: string,
    hint?: string,
    options?: { cause?: unknown; status?: number; excType?: string },
  ) {
    super(message, hint, options);
    this.code = `frappe.${reason}`;
    this.status = options?.status;
    this.excType = options?.excType;
  }
  static is(e: unknown, reason?: FrappeError['reason']): e is FrappeError {
    return e instanceof FrappeError && (reason === undefined || e.reason === reason);
  }
}

export interface ConfigIssue {
  /** JSON path of the offending key, e.g. `devices[0].intervalMinutes`. */
  key: string;
  message: string;
}

export class ConfigError extends SyncError {
  readonly code = 'config';
  constructor(
    readonly issues: ConfigIssue[],
    source = 'configuration',
    hint = 'Fix the keys listed above; nothing was contacted or changed.',
  ) {
    super(`Invalid ${source}:\n` + issues.map((i) => `  - ${i.key}: ${i.message}`).join('\n'), hint);
  }
  static is(e: unknown): e is ConfigError {
    return e instanceof ConfigError;
  }
}

export class StateError extends SyncError {
  readonly code: string;
  constructor(
    /** `diskFull`: the file system holding the state directory has no space left (ENOSPC) or quota (EDQUOT). */
    readonly reason: 'locked' | 'corrupt' | 'io' | 'diskFull',
    message: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, hint, options);
    this.code = `state.${reason}`;
  }
  static is(e: unknown, reason?: StateError['reason']): e is StateError {
    return e instanceof StateError && (reason === undefined || e.reason === reason);
  }
}

/**
 * A device id that is not in the configuration (a typo on the command line, or a device removed since its runs
 * were recorded). A usage problem, not a sync failure: the CLI exits 2 as for other usage errors.
 */
export class UnknownDeviceError extends SyncError {
  readonly code = 'config.unknownDevice';
  constructor(
    readonly deviceId: string,
    configured: string[],
    /** True when the state directory still has records of it (it was configured once). */
    readonly removed = false,
  ) {
    super(
      removed
        ? `Device '${deviceId}' is no longer configured; its recorded runs and failed punches are kept but cannot be synced or rerun.`
        : `No device '${deviceId}' is configured.`,
      `Configured devices: ${configured.join(', ') || 'none'}.` +
        (removed ? ' Add the device back to sync it, or dismiss its failed punches.' : ''),
    );
  }
  static is(e: unknown): e is UnknownDeviceError {
    return e instanceof UnknownDeviceError;
  }
}

export class CredentialsMissingError extends SyncError {
  readonly code = 'credentials.missing';
  constructor(
    /** The secret to set: hosts offer its command (the message names it for a person, not for code). */
    readonly credential: MissingCredential,
    readonly what: string,
    hint: string,
  ) {
    super(`Missing ${what}.`, hint);
  }
  override toJSON(): ErrorRecord {
    return { ...super.toJSON(), credential: this.credential };
  }
  static is(e: unknown): e is CredentialsMissingError {
    return e instanceof CredentialsMissingError;
  }
}

export class CancelledError extends SyncError {
  readonly code = 'cancelled';
  constructor() {
    super('The run was cancelled.');
  }
  static is(e: unknown): e is CancelledError {
    return e instanceof CancelledError;
  }
}

/** Whether a file-system error means the disk (or the user's quota) is full. */
export function isDiskFull(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || StateError.is(e, 'diskFull');
}

/**
 * The message of anything thrown, for log lines and messages that add their own context. The one way to read it:
 * a thrown non-Error (a string, an object) gives its text instead of `undefined`. Redaction stays the caller's job,
 * as for `describeError`.
 */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Serialises any error for run records and `--json` output without leaking internals. */
export function describeError(e: unknown): ErrorRecord {
  if (e instanceof SyncError) return e.toJSON();
  return { code: 'internal', message: errorMessage(e) };
}
