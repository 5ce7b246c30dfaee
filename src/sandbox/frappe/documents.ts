import { truncateCheckinTime, validateCheckin } from './checkinPipeline';
import { formatParsed, requireDatetime, siteDatetime } from './datetime';
import { selectOptions, standardFields, type DocTypeMeta, type FieldMeta } from './doctypes';
import {
  docNotFound,
  duplicateName,
  FrappeError,
  incorrectDatetime,
  noPermission,
  notFoundError,
  roleDenied,
  userPermissionDenied,
  validationError,
} from './errors';
import { hasHrRole, hasPermission } from './permissions';
import type { FrappeStore } from './store';
import { collate, type Doc } from './table';

/** One request's view of the database: who is acting and what the pipeline reports back. */
export interface DocContext {
  store: FrappeStore;
  user: string;
  siteUrl: string;
  permlevelTrap: boolean;
  /** Employee Checkins inserted by this request (before commit/rollback), for the server cost model. */
  checkinsWritten: number;
  docsWritten: number;
}

const linkedDoctypes = new Set(['Employee', 'User', 'Shift Type']);
// The recorded v15 site stores a checkin for an Employee that does not exist, `employee_name` null (c6, c6b).
const unvalidatedLinks = new Set(['Employee Checkin.employee']);
const maxDataLength = 140;

export function metaOf(store: FrappeStore, doctype: string): DocTypeMeta {
  const meta = store.metaOf(doctype);
  if (!meta) throw notFoundError(`DocType ${doctype} not found`);
  return meta;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

/** What the DB column would hold: cint/flt for numbers, canonical datetimes, text for the rest. */
function coerce(meta: DocTypeMeta, field: FieldMeta, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (field.fieldtype) {
    case 'Check':
    case 'Int':
      return Number.isFinite(Number(value)) && value !== '' ? Math.trunc(Number(value)) : 0;
    case 'Float':
      return Number.isFinite(Number(value)) && value !== '' ? Number(value) : 0;
    case 'Datetime':
      // Employee Checkin `time` keeps its raw form until `before_validate` parses it.
      if (value === '') return null;
      if (meta.name === 'Employee Checkin' && field.fieldname === 'time') return value;
      // Other doctypes hand the string to MariaDB as is, which refuses an offset (h1d).
      if (requireDatetime(value).aware) throw incorrectDatetime(String(value), meta.name, field.fieldname);
      return formatParsed(requireDatetime(value), true);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

function applyBody(meta: DocTypeMeta, doc: Doc, body: Record<string, unknown>): void {
  for (const field of meta.fields) {
    if (field.readOnly || !(field.fieldname in body)) continue;
    doc[field.fieldname] = coerce(meta, field, body[field.fieldname]);
  }
}

/** `_validate_links`: Link values must exist; the stored value takes the target's canonical name. */
function validateLinks(ctx: DocContext, meta: DocTypeMeta, doc: Doc): void {
  const missing: string[] = [];
  for (const field of meta.fields) {
    if (field.fieldtype !== 'Link' || !linkedDoctypes.has(field.options ?? '') || isEmpty(doc[field.fieldname]))
      continue;
    if (unvalidatedLinks.has(`${meta.name}.${field.fieldname}`)) continue;
    const target = ctx.store.table(field.options as string).get(String(doc[field.fieldname]));
    if (!target) missing.push(`${field.label}: ${String(doc[field.fieldname])}`);
    else doc[field.fieldname] = target.name;
  }
  if (missing.length > 0) throw validationError(`Could not find ${missing.join(', ')}`, 'LinkValidationError');
  if (meta.name === 'Employee Checkin' && doc.employee) {
    doc.employee_name = ctx.store.table('Employee').get(String(doc.employee))?.employee_name ?? null;
  }
}

function setName(ctx: DocContext, meta: DocTypeMeta, doc: Doc, body: Record<string, unknown>): void {
  const naming = meta.naming;
  if (naming.kind === 'series') doc.name = ctx.store.nextName(naming.prefix(String(doc.creation)), naming.digits);
  else if (naming.kind === 'email')
    doc.name =
      String(doc.email ?? '')
        .trim()
        .toLowerCase() || null;
  else if (naming.kind === 'prompt') doc.name = isEmpty(body.name) ? null : String(body.name);
  if (isEmpty(doc.name)) throw validationError(`No Name Specified for ${meta.name}`);
}

/** Controller hooks (`before_validate` + `validate`) of the doctypes the sandbox knows. */
function runController(ctx: DocContext, meta: DocTypeMeta, doc: Doc): void {
  if (meta.name === 'Employee Checkin') {
    truncateCheckinTime(doc);
    validateCheckin(ctx, doc);
  } else if (meta.name === 'Employee') {
    doc.employee_name = [doc.first_name, doc.middle_name, doc.last_name].filter((p) => !isEmpty(p)).join(' ') || null;
  } else if (meta.name === 'User') {
    doc.email =
      String(doc.email ?? '')
        .trim()
        .toLowerCase() || null;
    doc.full_name = [doc.first_name, doc.last_name].filter((p) => !isEmpty(p)).join(' ') || null;
  }
}

function validateMandatory(meta: DocTypeMeta, doc: Doc): void {
  const missing = meta.fields.filter((f) => f.reqd && isEmpty(doc[f.fieldname]));
  if (missing.length === 0) return;
  const messages = missing.map((f) => `Error: Value missing for ${meta.name}: ${f.label}`);
  const summary = `[${meta.name}, ${String(doc.name)}]: ${missing.map((f) => f.fieldname).join(', ')}`;
  throw new FrappeError('MandatoryError', 417, summary, { messages, title: 'Missing Fields' });
}

function validateValues(meta: DocTypeMeta, doc: Doc): void {
  for (const field of meta.fields) {
    const value = doc[field.fieldname];
    if (isEmpty(value)) continue;
    if (field.fieldtype === 'Select' && !selectOptions(field).includes(String(value))) {
      const options = selectOptions(field).join('", "');
      // `validate_select` formats "{prefix} {label}…" with an empty prefix on a parent doc: the leading space (d5).
      throw validationError(` ${field.label} cannot be "${String(value)}". It should be one of "${options}"`);
    }
    if (field.fieldtype === 'Data' && String(value).length > maxDataLength) {
      const reference = `${meta.name} ${String(doc.name)}`;
      const message =
        `${reference}: '<strong>${field.label}</strong>' (${String(value)}) ` +
        `will get truncated, as max characters allowed is ${maxDataLength}`;
      throw new FrappeError('CharacterLengthExceededError', 417, message, { title: 'Value too big' });
    }
  }
}

/** Unique keys are enforced by the DB at write time (IntegrityError 1062 → UniqueValidationError). */
function validateUnique(ctx: DocContext, meta: DocTypeMeta, doc: Doc): void {
  for (const field of meta.fields.filter((f) => f.unique && !isEmpty(doc[f.fieldname]))) {
    const key = field.fieldname;
    const value = collate(doc[key]);
    const rows = ctx.store.table(meta.name).all();
    const clash = rows.find((d) => d.name !== doc.name && !isEmpty(d[key]) && collate(d[key]) === value);
    if (!clash) continue;
    const integrity = `IntegrityError(1062, "Duplicate entry '${String(doc[key])}' for key '${key}'")`;
    const detail = `('${meta.name}', '${String(doc.name)}', ${integrity})`;
    throw new FrappeError('UniqueValidationError', 417, detail, { messages: [`${field.label} must be unique`] });
  }
}

function record(ctx: DocContext, meta: DocTypeMeta, doc: Doc): void {
  ctx.store.write(meta.name, doc);
  ctx.docsWritten++;
  if (meta.name === 'Employee Checkin') ctx.checkinsWritten++;
}

/** `check_permission("create")` with User Permissions: each Link to a restricted doctype must be allowed (g3). */
function checkUserPermissions(ctx: DocContext, meta: DocTypeMeta, doc: Doc): void {
  for (const field of meta.fields) {
    if (field.fieldtype !== 'Link' || isEmpty(doc[field.fieldname])) continue;
    const allowed = ctx.store.allowedNames(ctx.user, field.options ?? '');
    const value = String(doc[field.fieldname]);
    if (allowed && !allowed.has(value)) {
      throw userPermissionDenied(ctx.user, meta.name, { doctype: String(field.options), field: field.label, value });
    }
  }
}

/** `Document.insert()` in Frappe's order (frappe-api.md §8.3): links, permission, naming, permlevel, validate. */
export function insertDoc(ctx: DocContext, doctype: string, body: Record<string, unknown>): Doc {
  const meta = metaOf(ctx.store, doctype);
  if (meta.naming.kind === 'single') throw validationError(`${doctype} is a single DocType and cannot be created`);
  const doc = ctx.store.blank(meta, ctx.user);
  applyBody(meta, doc, body);
  for (const field of meta.fields) {
    if (field.fieldtype === 'Select' && doc[field.fieldname] === null) doc[field.fieldname] = selectOptions(field)[0];
  }
  if (meta.name === 'Employee Checkin' && isEmpty(doc.time)) doc.time = serverNow(ctx);
  validateLinks(ctx, meta, doc);
  if (!hasPermission(ctx.store, ctx.user, doctype, 'create')) throw noPermission(doctype);
  checkUserPermissions(ctx, meta, doc);
  setName(ctx, meta, doc, body);
  // `reset_values_if_no_permlevel_access`: `time` (permlevel 1) falls back to its default, "Now".
  if (meta.name === 'Employee Checkin' && ctx.permlevelTrap && !hasHrRole(ctx.store, ctx.user))
    doc.time = serverNow(ctx);
  runController(ctx, meta, doc);
  validateMandatory(meta, doc);
  validateValues(meta, doc);
  validateUnique(ctx, meta, doc);
  if (ctx.store.table(doctype).get(String(doc.name))) throw duplicateName(doctype, String(doc.name));
  record(ctx, meta, doc);
  return doc;
}

const immutable = new Set([...standardFields.map((f) => f.fieldname), 'doctype', 'naming_series']);

/** `update_doc`: `get_doc(for_update)` → `update(body)` → `save()`. */
export function updateDoc(ctx: DocContext, doctype: string, name: string, body: Record<string, unknown>): Doc {
  const meta = metaOf(ctx.store, doctype);
  const current = getDoc(ctx, doctype, name);
  // `check_permission("write")`: the role-permission log, "No permission for X" in `_error_message` (h1c); an HR
  // Manager updating a User gets exactly this (issue 11).
  if (!hasPermission(ctx.store, ctx.user, doctype, 'write'))
    throw roleDenied(ctx.user, meta.name, undefined, `No permission for ${meta.name}`, false);
  const doc = { ...current };
  const patch = Object.fromEntries(Object.entries(body).filter(([key]) => !immutable.has(key)));
  applyBody(meta, doc, patch);
  if (meta.name === 'Employee Checkin' && ctx.permlevelTrap && !hasHrRole(ctx.store, ctx.user)) doc.time = current.time;
  validateLinks(ctx, meta, doc);
  runController(ctx, meta, doc);
  validateMandatory(meta, doc);
  validateValues(meta, doc);
  validateUnique(ctx, meta, doc);
  Object.assign(doc, { modified: ctx.store.nowText(), modified_by: ctx.user });
  record(ctx, meta, doc);
  // `save()` reloads Time columns as `datetime.timedelta`, printed without the hour's leading zero (h1: "9:00:00");
  // a single keeps its text values (h4: "00:15:00").
  const reloaded = { ...doc };
  for (const field of meta.fields)
    if (field.fieldtype === 'Time' && meta.naming.kind !== 'single' && typeof doc[field.fieldname] === 'string')
      reloaded[field.fieldname] = String(doc[field.fieldname]).replace(/^0(\d:)/, '$1');
  return reloaded;
}

export function getDoc(ctx: DocContext, doctype: string, name: string): Doc {
  const meta = metaOf(ctx.store, doctype);
  const doc = ctx.store.table(meta.name).get(name);
  if (!doc) throw docNotFound(doctype, name);
  return doc;
}

function serverNow(ctx: DocContext): string {
  return siteDatetime(ctx.store.now(), ctx.store.timeZone).seconds;
}
