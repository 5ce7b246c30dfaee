/**
 * Frappe exceptions as the wire sees them: the class name (`exc_type`), the HTTP status taken from the
 * class's `http_status_code` (frappe-api.md §6.1) and the msgprint log that becomes `_server_messages`.
 */
export interface FrappeErrorInit {
  /** msgprint title; `frappe.throw` defaults to "Message". */
  title?: string;
  /** Entries of `_server_messages`. Defaults to `[message]`; empty for exceptions raised bare. */
  messages?: string[];
  /** `frappe.flags.error_message`, sent as `_error_message` (permission failures). */
  errorMessage?: string;
  headers?: Record<string, string | string[]>;
  /** Dotted class path for the traceback's last line; defaults to `frappe.exceptions.<excType>`. */
  excPath?: string;
}

export class FrappeError extends Error {
  readonly title: string;
  readonly messages: string[];
  readonly errorMessage: string | undefined;
  readonly headers: Record<string, string | string[]>;
  readonly excPath: string;

  constructor(
    readonly excType: string,
    readonly status: number,
    message: string,
    init: FrappeErrorInit = {},
  ) {
    super(message);
    this.name = excType;
    this.title = init.title ?? 'Message';
    this.messages = init.messages ?? (message ? [message] : []);
    this.errorMessage = init.errorMessage;
    this.headers = init.headers ?? {};
    this.excPath = init.excPath ?? `frappe.exceptions.${excType}`;
  }

  static is(value: unknown, excType?: string): value is FrappeError {
    return value instanceof FrappeError && (excType === undefined || value.excType === excType);
  }
}

/** `frappe.throw(msg)` and its ValidationError subclasses: all 417 EXPECTATION FAILED. */
export function validationError(message: string, excType = 'ValidationError', excPath?: string): FrappeError {
  return new FrappeError(excType, 417, message, { excPath });
}

export function notFoundError(message: string): FrappeError {
  return new FrappeError('DoesNotExistError', 404, message);
}

export function docNotFound(doctype: string, name: string): FrappeError {
  return notFoundError(`${doctype} ${name} not found`);
}

/** `frappe.has_permission(throw=True)`: the message also lands in `_error_message`. */
export function noPermission(doctype: string): FrappeError {
  const message = `No permission for ${doctype}`;
  return new FrappeError('PermissionError', 403, message, { errorMessage: message });
}

/** A bare `raise frappe.PermissionError`: no msgprint, so no `_server_messages` and no `_error_message`. */
export function bareNoPermission(): FrappeError {
  return new FrappeError('PermissionError', 403, '', { messages: [] });
}

/** `frappe.throw_permission_error()`, e.g. a POST-only method called with GET. */
export function notPermitted(): FrappeError {
  return new FrappeError('PermissionError', 403, 'Not permitted');
}

/** `is_whitelisted`: Guest calling a method that is not allow_guest (or a function never whitelisted). */
export function methodNotAllowed(dottedPath: string): FrappeError {
  const summary = 'You are not permitted to access this resource.';
  const detail = `Function <strong>${dottedPath}</strong> is not whitelisted.`;
  return new FrappeError('PermissionError', 403, `<details><summary>${summary}</summary>${detail}</details>`, {
    title: 'Method Not Allowed',
  });
}

// `handle_exception` calls `login_manager.clear_cookies()` on AuthenticationError (frappe-api.md §1.1).
const clearedCookies = ['sid', 'full_name', 'user_id', 'user_image', 'system_user'].map(
  (name) => `${name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/`,
);

/** Bad key/secret or an unusable 2-part Authorization header: raised bare, so no `_server_messages`. */
export function authenticationError(): FrappeError {
  return new FrappeError('AuthenticationError', 401, '', { headers: { 'Set-Cookie': clearedCookies } });
}

export function duplicateName(doctype: string, name: string): FrappeError {
  return new FrappeError('DuplicateEntryError', 409, `${doctype} ${name} already exists`, { title: 'Duplicate Name' });
}

/** A non-Frappe Python exception (TypeError, pymysql, dateutil...): 500 with no msgprint log. */
export function pythonError(excType: string, excPath: string, message: string): FrappeError {
  return new FrappeError(excType, 500, message, { messages: [], excPath });
}

/** MariaDB error 1054, what an unknown field in `fields`, `filters` or `order_by` turns into. */
export type SqlClause = 'field list' | 'where clause' | 'order clause';

export function unknownColumn(field: string, clause: SqlClause): FrappeError {
  const message = `(1054, "Unknown column '${field}' in '${clause}'")`;
  return pythonError('OperationalError', 'pymysql.err.OperationalError', message);
}
