import type { DocContext } from './documents';
import { type FrappeError, methodNotAllowed, notPermitted, pythonError, validationError } from './errors';
import { parseJsonParam } from './filters';
import type { FormDict } from './request';
import { countDocs, createDoc, listDocs, readDoc } from './resources';

export interface MethodCall {
  verb: string;
  args: FormDict;
  ctx: DocContext;
}

interface MethodDef {
  /** Python parameters, in order: unknown form keys are dropped (`get_newargs`). */
  params: string[];
  required: string[];
  /** `@frappe.whitelist(methods=[...])`; all verbs when absent. */
  verbs?: string[];
  /** Verbs from v16 on (frappe PR #34825 restricted more writing methods to POST). */
  verbsV16?: string[];
  allowGuest?: boolean;
  /** Returns the value for `message`; undefined means the key is absent (Python returned None). */
  run(call: MethodCall): unknown;
}

const addLogPath = 'hrms.hr.doctype.employee_checkin.employee_checkin.add_log_based_on_employee_field';
const maxInsertMany = 200;

function docArg(value: unknown): Record<string, unknown> {
  const doc = parseJsonParam(value);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw validationError('doc must be a dict');
  const record = doc as Record<string, unknown>;
  if (!record.doctype) throw validationError('"doctype" is required');
  return record;
}

function insertMany(call: MethodCall): string[] {
  const docs = parseJsonParam(call.args.docs);
  if (!Array.isArray(docs)) throw validationError('docs must be a list');
  if (docs.length > maxInsertMany) throw validationError(`Only ${maxInsertMany} inserts allowed in one request`);
  // One by one inside the request transaction: the first failure aborts and the caller rolls back all.
  return docs.map((item) => {
    const doc = docArg(item);
    return String(createDoc(call.ctx, String(doc.doctype), doc).name);
  });
}

/** `add_log_based_on_employee_field` (frappe-api.md §8.4). Check order per §12.4; the rest is `insert()`. */
function addLog(call: MethodCall): unknown {
  const { args, ctx } = call;
  if (!args.employee_field_value || !args.timestamp) {
    throw validationError("'employee_field_value' and 'timestamp' are required.");
  }
  const fieldname = String(args.employee_fieldname || 'attendance_device_id');
  const [employee] = listDocsUnchecked(ctx, fieldname, args.employee_field_value);
  if (!employee) {
    const value = String(args.employee_field_value);
    throw validationError(`No Employee found for the given employee field value. '${fieldname}': ${value}`);
  }
  const doc: Record<string, unknown> = {
    employee: employee.name,
    time: args.timestamp,
    device_id: args.device_id ?? null,
    log_type: args.log_type ?? null,
    skip_auto_attendance: Number(args.skip_auto_attendance) === 1 ? 1 : 0,
  };
  if (args.latitude !== undefined) doc.latitude = args.latitude;
  if (args.longitude !== undefined) doc.longitude = args.longitude;
  return createDoc(ctx, 'Employee Checkin', doc);
}

/** `frappe.db.get_values` on Employee: no permission check and no status filter, first row wins. */
function listDocsUnchecked(ctx: DocContext, fieldname: string, value: unknown): Array<Record<string, unknown>> {
  const admin: DocContext = { ...ctx, user: 'Administrator' };
  const args = { fields: ['name'], filters: [[fieldname, '=', value]], limit_page_length: 1, order_by: 'creation asc' };
  return listDocs(admin, 'Employee', args) as Array<Record<string, unknown>>;
}

function insertOne({ ctx, args }: MethodCall): unknown {
  const doc = docArg(args.doc);
  return createDoc(ctx, String(doc.doctype), doc, false);
}

/** `frappe.client.get_single_value`: read permission on the single doctype, then the stored value (h2b). */
function getSingleValue({ ctx, args }: MethodCall): unknown {
  const doctype = String(args.doctype);
  const doc = readDoc(ctx, doctype, doctype);
  return doc[String(args.field)] ?? null;
}

/** `frappe.get_roles(uid)`: the Has Role rows, then the automatic All and Guest, and Desk User for a System User. */
function getRoles({ ctx, args }: MethodCall): string[] {
  const uid = String(args.uid ?? ctx.user);
  const user = ctx.store.table('User').get(uid);
  const automatic = ['All', 'Guest', ...(user?.user_type === 'System User' ? ['Desk User'] : [])];
  return [...new Set([...ctx.store.rolesOf(user ? String(user.name) : uid), ...automatic])];
}

const listParams = [
  'doctype',
  'fields',
  'filters',
  'group_by',
  'order_by',
  'limit_start',
  'limit_page_length',
  'parent',
  'debug',
  'as_dict',
  'or_filters',
];
const addLogParams = [
  'employee_field_value',
  'timestamp',
  'device_id',
  'log_type',
  'skip_auto_attendance',
  'employee_fieldname',
  'latitude',
  'longitude',
];
const writeVerbs = ['POST', 'PUT'];

export const methods: ReadonlyMap<string, MethodDef> = new Map<string, MethodDef>([
  [
    'frappe.client.get_list',
    { params: listParams, required: ['doctype'], run: ({ ctx, args }) => listDocs(ctx, String(args.doctype), args) },
  ],
  [
    'frappe.client.get_count',
    {
      params: ['doctype', 'filters', 'debug', 'cache'],
      required: ['doctype'],
      run: ({ ctx, args }) => countDocs(ctx, String(args.doctype), args.filters),
    },
  ],
  [
    'frappe.client.insert',
    { params: ['doc'], required: ['doc'], verbs: writeVerbs, verbsV16: ['POST'], run: insertOne },
  ],
  [
    'frappe.client.insert_many',
    { params: ['docs'], required: ['docs'], verbs: writeVerbs, verbsV16: ['POST'], run: insertMany },
  ],
  [
    'frappe.client.get_time_zone',
    { params: [], required: [], allowGuest: true, run: ({ ctx }) => ({ time_zone: ctx.store.timeZone }) },
  ],
  ['frappe.auth.get_logged_user', { params: [], required: [], run: ({ ctx }) => ctx.user }],
  [
    'frappe.client.get_single_value',
    { params: ['doctype', 'field'], required: ['doctype', 'field'], run: getSingleValue },
  ],
  // v15 `get_roles` reads `uid` from form_dict and checks nothing (i7): any user learns any user's roles.
  ['frappe.core.doctype.user.user.get_roles', { params: ['arg', 'uid'], required: [], run: getRoles }],
  // v15 answers a GET with 200 and rolls the checkin back (f7); v16 refuses it like insert_many (assumption from
  // PR #34825's "some whitelisted methods now require POST": the sandbox treats every writing method that way).
  [
    addLogPath,
    { params: addLogParams, required: ['employee_field_value', 'timestamp'], verbsV16: ['POST'], run: addLog },
  ],
]);

// What a v15 bench with ERPNext + HRMS can import; anything else fails in `get_attr`.
const installedApps = new Set(['frappe', 'erpnext', 'hrms']);
const knownModules = new Set([
  'frappe',
  'frappe.client',
  'frappe.auth',
  'erpnext',
  'hrms',
  'hrms.hr',
  'hrms.hr.doctype',
  'hrms.hr.doctype.employee_checkin',
  'hrms.hr.doctype.employee_checkin.employee_checkin',
  'frappe.core',
  'frappe.core.doctype',
  'frappe.core.doctype.user',
  'frappe.core.doctype.user.user',
]);

function importError(path: string): string {
  const segments = path.split('.');
  if (!installedApps.has(segments[0])) return `App ${segments[0]} is not installed`;
  for (let i = 1; i < segments.length; i++) {
    const prefix = segments.slice(0, i).join('.');
    if (!knownModules.has(prefix)) return `No module named '${prefix}'`;
  }
  return `module '${segments.slice(0, -1).join('.')}' has no attribute '${segments[segments.length - 1]}'`;
}

/** `get_attr` failure → "Failed to get method for command {0} with {1}" (417), e.g. the ERPNext ≤ v13 path. */
function importFailure(path: string): FrappeError {
  return validationError(`Failed to get method for command ${path} with ${importError(path)}`);
}

function missingArgs(path: string, missing: string[]): FrappeError {
  const fn = path.split('.').pop();
  const quoted = missing.map((m) => `'${m}'`);
  // Python's wording: 'a' / 'a' and 'b' / 'a', 'b', and 'c'.
  const last = quoted[quoted.length - 1];
  const head = quoted.slice(0, -1).join(', ');
  const list = quoted.length === 1 ? last : quoted.length === 2 ? `${head} and ${last}` : `${head}, and ${last}`;
  const noun = missing.length === 1 ? 'argument' : 'arguments';
  return pythonError(
    'TypeError',
    'TypeError',
    `${fn}() missing ${missing.length} required positional ${noun}: ${list}`,
  );
}

/** `frappe.handler.execute_cmd`: import → whitelist/guest → HTTP verb → arguments → call. */
export function callMethod(path: string, call: MethodCall): unknown {
  const def = methods.get(path);
  if (!def) throw importFailure(path);
  if (call.ctx.user === 'Guest' && !def.allowGuest) throw methodNotAllowed(path);
  const verbs = call.ctx.store.version >= 16 ? (def.verbsV16 ?? def.verbs) : def.verbs;
  if (verbs && !verbs.includes(call.verb)) throw notPermitted();
  const missing = def.required.filter((p) => !(p in call.args));
  if (missing.length > 0) throw missingArgs(path, missing);
  const args = Object.fromEntries(Object.entries(call.args).filter(([key]) => def.params.includes(key)));
  return def.run({ ...call, args });
}
