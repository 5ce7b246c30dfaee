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
  /**
   * The messages were printed by `msgprint` without `raise_exception` (permission logs), so each entry only has
   * `message` and `title`: no `indicator`, `raise_exception` or `__frappe_exc_id` (i4, g3, h1c).
   */
  plain?: boolean;
  /** False: no `exception`/`exc` even when tracebacks are allowed (h1c). */
  traceback?: boolean;
  /** Keys the handler set on the response before raising (a failed login's `message`). */
  extraBody?: Record<string, unknown>;
}

export class FrappeError extends Error {
  readonly title: string;
  readonly messages: string[];
  readonly errorMessage: string | undefined;
  readonly headers: Record<string, string | string[]>;
  readonly excPath: string;
  readonly plain: boolean;
  readonly traceback: boolean;
  readonly extraBody: Record<string, unknown>;

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
    this.plain = init.plain ?? false;
    this.traceback = init.traceback ?? true;
    this.extraBody = init.extraBody ?? {};
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

/**
 * `Document.check_permission` / `read_doc` refusing a user whose roles grant nothing on the doctype (v15): the
 * permission log printed as a plain message, then a bare `raise frappe.PermissionError` (i4, h1c). `name` adds the
 * second line naming the document ("None" for a document not yet named).
 */
export function roleDenied(
  user: string,
  doctype: string,
  name?: string,
  errorMessage?: string,
  traceback = true,
): FrappeError {
  const lines = [
    `User <strong>${user}</strong> does not have doctype access via role permission for document <strong>${doctype}</strong>`,
  ];
  if (name !== undefined)
    lines.push(`User <strong>${user}</strong> does not have access to this document: ${doctype} - ${name}`);
  // A refused update (h1c) came without `exception`/`exc` even with tracebacks on; a refused read (i4) with them.
  return new FrappeError('PermissionError', 403, '', {
    messages: [lines.join('<br>')],
    plain: true,
    errorMessage,
    traceback,
  });
}

/**
 * A User Permission that does not cover the Link value of a new document (g3): the plain permission log, and the
 * `create` refusal in `_error_message` (two spaces before "to", as Frappe formats it).
 */
export function userPermissionDenied(
  user: string,
  doctype: string,
  link: { doctype: string; field: string; value: string },
): FrappeError {
  const message =
    `You are not allowed to access this ${doctype} record because it is linked to ${link.doctype} '${link.value}' in field ${link.field}` +
    `<br>User <strong>${user}</strong> does not have access to this document: ${doctype} - None`;
  const errorMessage = `You need the 'create' permission on <strong>${doctype}</strong>  to perform this action.`;
  return new FrappeError('PermissionError', 403, '', { messages: [message], plain: true, errorMessage });
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
  const summary = 'You are not permitted to access this resource. Login to access';
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

/** The database name in MariaDB messages (a real site's is a hash like this). */
export const databaseName = '_0123456789abcdef';

/** MariaDB error 1292: a datetime with a zone offset reaches a DATETIME column (c7, d8, h1d): an unhandled 500. */
export function incorrectDatetime(value: string, doctype: string, column: string): FrappeError {
  const where = `\`${databaseName}\`.\`tab${doctype}\`.\`${column}\``;
  const message = `(1292, "Incorrect datetime value: '${value}' for column ${where} at row 1")`;
  return pythonError('OperationalError', 'pymysql.err.OperationalError', message);
}

/** `get_list` refusing a field it does not know (b5): DataError 417. */
export function fieldNotPermitted(field: string): FrappeError {
  return new FrappeError('DataError', 417, `Field not permitted in query: ${field}`);
}

/** `sanitize_order_by`-style refusal of SQL in `order_by` (e4). */
export function illegalSql(): FrappeError {
  return validationError('Illegal SQL Query');
}

export function unknownColumn(field: string, clause: SqlClause): FrappeError {
  const message = `(1054, "Unknown column '${field}' in '${clause}'")`;
  return pythonError('OperationalError', 'pymysql.err.OperationalError', message);
}
