import { createHash } from 'node:crypto';
import { siteToday } from './datetime';
import { columnsOf, doctypes, type DocTypeMeta } from './doctypes';
import { type DocContext, getDoc, insertDoc, metaOf, updateDoc } from './documents';
import { bareNoPermission, noPermission, roleDenied } from './errors';
import { hasPermission, readsPermlevel, type PermType } from './permissions';
import { narrowing } from './filters';
import { countRows, runList, type ListArgs } from './query';
import type { FrappeStore } from './store';
import { collate, type Doc } from './table';

/**
 * Documents as Frappe serialises them: `as_dict()` column order plus `doctype`. Objects returned as
 * Documents drop null fields (`no_nulls=True`); `frappe.client.insert/get` keep them.
 */
export function asDict(
  store: FrappeStore,
  meta: DocTypeMeta,
  doc: Doc,
  noNulls: boolean,
  viewer = 'Administrator',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // `apply_fieldlevel_read_permissions`: fields above the viewer's permlevel are blanked (None, tables []).
  const hidden = hiddenFields(store, meta, viewer);
  for (const column of columnsOf(meta)) {
    const value = hidden.has(column) ? null : (doc[column] ?? null);
    if (value !== null || !noNulls) out[column] = value;
  }
  if (meta.name === 'User') {
    const parent = String(doc.name);
    const roles = hidden.has('roles') ? [] : store.rolesOf(parent);
    out.roles = roles.map((role, i) => ({
      name: `${parent}-role-${i + 1}`,
      parent,
      parentfield: 'roles',
      parenttype: 'User',
      idx: i + 1,
      role,
      doctype: 'Has Role',
    }));
    // The other tables of a v15 User: empty on a fresh site but for the "frappe" social login row (i8).
    Object.assign(out, { defaults: [], user_emails: [], block_modules: [] });
    out.social_logins = [
      {
        ...Object.fromEntries(['name', 'owner', 'creation', 'modified', 'modified_by'].map((k) => [k, doc[k]])),
        // Child rows get Frappe's random 10-character hash names (i8: "a9fl8sit8k").
        name: createHash('md5').update(`${parent}/social`).digest('hex').slice(0, 10),
        docstatus: 0,
        idx: 1,
        provider: 'frappe',
        userid: createHash('md5').update(parent).digest('hex'),
        parent,
        parentfield: 'social_logins',
        parenttype: 'User',
        doctype: 'User Social Login',
      },
    ];
  }
  if (meta.naming.kind === 'single') {
    // A single lives in tabSingles: no `creation`, and `idx` comes back as the string "0" (h2).
    delete out.creation;
    out.idx = String(out.idx ?? 0);
  }
  out.doctype = meta.name;
  return out;
}

/** Fields (and Table fields) of `meta` the viewer may not read: permlevel above what its roles grant. */
export function hiddenFields(store: FrappeStore, meta: DocTypeMeta, viewer: string): Set<string> {
  const hidden = new Set<string>();
  if (meta.name !== 'User') return hidden; // the only doctype whose permlevel-1 read the sandbox models
  for (const field of [...meta.fields, ...(meta.tables ?? [])]) {
    const level = field.permlevel ?? 0;
    if (level > 0 && !readsPermlevel(store, viewer, meta.name, level)) hidden.add(field.fieldname);
  }
  return hidden;
}

/**
 * User Permissions: with some on a doctype, only the allowed documents of it are visible, and only documents whose
 * Link fields to it are empty or allowed (b3: the Employee-only user lists its own Employee).
 */
function visibleRows(ctx: DocContext, meta: DocTypeMeta, rows: Doc[]): Doc[] {
  let visible = rows;
  const own = ctx.store.allowedNames(ctx.user, meta.name);
  if (own) visible = visible.filter((doc) => own.has(String(doc.name)));
  for (const field of meta.fields) {
    const allowed = field.fieldtype === 'Link' ? ctx.store.allowedNames(ctx.user, field.options ?? '') : undefined;
    if (!allowed) continue;
    visible = visible.filter((doc) => !doc[field.fieldname] || allowed.has(String(doc[field.fieldname])));
  }
  return visible;
}

export function requirePermission(ctx: DocContext, doctype: string, ptype: PermType, name?: string): void {
  // Every user may read their own User record (the "if owner"/self rule of the User doctype).
  if (doctype === 'User' && ptype === 'read' && name !== undefined && name.toLowerCase() === ctx.user.toLowerCase())
    return;
  if (!hasPermission(ctx.store, ctx.user, doctype, ptype)) throw noPermission(doctype);
}

/**
 * `check_parent_permission(parent, child_doctype)` (frappe/model/db_query.py), which v15 `frappe.client.get_list`
 * runs first for a child doctype: the parent must be given, must have a Table field of that child doctype, and the
 * caller needs read permission on the parent. Every refusal is a bare `raise frappe.PermissionError` (403, no
 * message). The rows are not limited to that parenttype; callers filter on `parenttype` themselves.
 */
function checkParentPermission(ctx: DocContext, child: DocTypeMeta, parent: unknown): void {
  const name = typeof parent === 'string' ? parent : '';
  const parentMeta = name ? [...doctypes.values()].find((m) => collate(m.name) === collate(name)) : undefined;
  const hasTable = !!parentMeta?.tables?.some((t) => t.options === child.name);
  const permitted = (ptype: PermType): boolean => hasPermission(ctx.store, ctx.user, String(parentMeta?.name), ptype);
  // `select` on User is enough: every desk user lists Has Role with parent "User" on the real site (i3, i6).
  if (!parentMeta || !hasTable || !(permitted('read') || permitted('select'))) throw bareNoPermission();
}

/** `frappe.client.get_list` and `GET /api/resource/{DocType}`. */
export function listDocs(ctx: DocContext, doctype: string, args: ListArgs): unknown[] {
  const meta = metaOf(ctx.store, doctype);
  if (meta.istable) checkParentPermission(ctx, meta, args.parent);
  else if (!hasPermission(ctx.store, ctx.user, meta.name, 'select')) requirePermission(ctx, meta.name, 'read');
  const today = siteToday(ctx.store.now(), ctx.store.timeZone);
  // Fields the user may not read are silently dropped from `fields` (i1b), not refused.
  const hidden = hiddenFields(ctx.store, meta, ctx.user);
  const rows = ctx.store.rows(meta.name, narrowing(meta, args.filters, today));
  return runList(meta, visibleRows(ctx, meta, rows), args, today, hidden);
}

export function countDocs(ctx: DocContext, doctype: string, filters: unknown): number {
  const meta = metaOf(ctx.store, doctype);
  requirePermission(ctx, meta.name, 'read');
  const today = siteToday(ctx.store.now(), ctx.store.timeZone);
  return countRows(meta, ctx.store.table(meta.name).all(), filters, today);
}

export function readDoc(ctx: DocContext, doctype: string, name: string): Record<string, unknown> {
  const meta = metaOf(ctx.store, doctype);
  const doc = getDoc(ctx, meta.name, name);
  const own = meta.name === 'User' && String(doc.name).toLowerCase() === ctx.user.toLowerCase();
  // `read_doc`: the permission log, then a bare PermissionError (i4); a user always reads its own User record.
  if (!own && !hasPermission(ctx.store, ctx.user, meta.name, 'read'))
    throw roleDenied(ctx.user, meta.name, String(doc.name));
  return asDict(ctx.store, meta, doc, true, ctx.user);
}

type Body = Record<string, unknown>;

export function createDoc(ctx: DocContext, doctype: string, body: Body, noNulls = true): Record<string, unknown> {
  const meta = metaOf(ctx.store, doctype);
  return asDict(ctx.store, meta, insertDoc(ctx, meta.name, body), noNulls, ctx.user);
}

export function saveDoc(ctx: DocContext, doctype: string, name: string, body: Body): Record<string, unknown> {
  const meta = metaOf(ctx.store, doctype);
  return asDict(ctx.store, meta, updateDoc(ctx, meta.name, name, body), true, ctx.user);
}

export function deleteDoc(ctx: DocContext, doctype: string, name: string): void {
  const meta = metaOf(ctx.store, doctype);
  const doc = getDoc(ctx, meta.name, name);
  requirePermission(ctx, meta.name, 'delete');
  ctx.store.delete(meta.name, String(doc.name));
}
