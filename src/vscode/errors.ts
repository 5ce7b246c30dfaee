// Errors translated at the edge (style rule 14): the engine's typed errors (by `code`, never by message text) become
// one short sentence and the actions that fix them. vscode-free, so the mapping is unit-tested.
import { describeError } from '../core/errors';
import type { ErrorRecord, MissingCredential } from '../shared/model';

export type FixAction = 'showLog' | 'testConnection' | 'openSettings' | 'setPassword' | 'setApiKey' | 'addDevice';

export const FIX_LABELS: Record<FixAction, string> = {
  showLog: 'Show Log',
  testConnection: 'Test Connection',
  openSettings: 'Open Settings',
  setPassword: 'Set BioTime Password…',
  setApiKey: 'Set Frappe API Key…',
  addDevice: 'Add Device…',
};

/** The command that performs each fix. */
export const FIX_COMMANDS: Record<FixAction, string> = {
  showLog: 'bioSync.showLog',
  testConnection: 'bioSync.testConnection',
  openSettings: 'bioSync.openSettings',
  setPassword: 'bioSync.setBiotimePassword',
  setApiKey: 'bioSync.setFrappeApiKey',
  addDevice: 'bioSync.addDevice',
};

/** An error raised by the extension itself, already written for the operator. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly action?: FixAction,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

export interface Advice {
  message: string;
  actions: FixAction[];
  /** Cancellation: say nothing. */
  silent?: boolean;
}

/** What to tell the operator about `e`, and which actions to offer. */
export function adviseOn(e: unknown): Advice {
  if (e instanceof UserFacingError)
    return { message: e.message, actions: e.action ? [e.action, 'showLog'] : ['showLog'] };
  const error = describeError(e);
  const { code, message, hint } = error;
  const text = hint ? `${message} ${hint}` : message;
  return {
    message: text,
    actions: actionsFor(code, error),
    ...(code === 'cancelled' || code === 'biotime.cancelled' || code === 'frappe.cancelled' ? { silent: true } : {}),
  };
}

/** The command that sets each missing secret. */
const SET_CREDENTIAL: Record<MissingCredential, FixAction> = {
  biotimePassword: 'setPassword',
  frappeApiKey: 'setApiKey',
};

/**
 * Actions for an error as recorded in RunSummary.error / DeviceStatus.lastError too: chosen by its typed fields
 * (`code`, and `credential` for a missing secret), never by its text.
 */
export function actionsFor(code: string, fields: Pick<ErrorRecord, 'credential'> = {}): FixAction[] {
  switch (code) {
    case 'credentials.missing':
      // A record written before the field existed says nothing: the password is the more common one to miss.
      return [SET_CREDENTIAL[fields.credential ?? 'biotimePassword'], 'showLog'];
    case 'biotime.auth':
      return ['setPassword', 'testConnection', 'showLog'];
    case 'frappe.auth':
      return ['setApiKey', 'testConnection', 'showLog'];
    case 'biotime.unreachable':
    case 'frappe.unreachable':
    case 'biotime.tls':
    case 'frappe.tls':
    case 'biotime.badResponse':
    case 'frappe.badResponse':
      return ['testConnection', 'openSettings', 'showLog'];
    case 'config':
    case 'config.unknownDevice':
      return ['openSettings', 'showLog'];
    default:
      return code.startsWith('biotime.') || code.startsWith('frappe.') ? ['testConnection', 'showLog'] : ['showLog'];
  }
}
