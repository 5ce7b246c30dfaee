// Errors translated at the edge (style rule 14): the engine's typed errors (by `code`, never by message text) become
// one short sentence and the actions that fix them. vscode-free, so the mapping is unit-tested.
import { describeError } from '../core/errors';

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
  const { code, message, hint } = describeError(e);
  const text = hint ? `${message} ${hint}` : message;
  return {
    message: text,
    actions: actionsFor(code, message),
    ...(code === 'cancelled' || code === 'biotime.cancelled' || code === 'frappe.cancelled' ? { silent: true } : {}),
  };
}

/** Actions for an error code as found in RunSummary.error / DeviceStatus.lastError too. */
export function actionsFor(code: string, message = ''): FixAction[] {
  switch (code) {
    case 'credentials.missing':
      return [/frappe|api/i.test(message) ? 'setApiKey' : 'setPassword', 'showLog'];
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
      return ['openSettings', 'showLog'];
    default:
      return code.startsWith('biotime.') || code.startsWith('frappe.') ? ['testConnection', 'showLog'] : ['showLog'];
  }
}
