import { siteToday } from './datetime';
import { columnsOf, doctypes, type DocTypeMeta } from './doctypes';
import { type DocContext, getDoc, insertDoc, metaOf, updateDoc } from './documents';
import { bareNoPermission, noPermission } from './errors';
import { hasPermission, type PermType } from './permissions';
import { countRows, runList, type ListArgs } from './query';
import type { FrappeStore } from './store';
import { collate, type Doc } from './table';

/**
 * Documents as Frappe serialises them: `as_dict()` column order plus `doctype`. Objects returned as
 * Documents drop null fields (`no_nulls=True`); `frappe.client.insert/get` keep them.
 */
export function asDict(store: FrappeStore, meta: DocTypeMeta, doc: Doc, noNulls: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const column of columnsOf(meta)) {
    const value = doc[column] ?? null;
    if (value !== null || !noNulls) out[column] = value;
  }
  if (meta.name === 'User') {
    const parent = String(doc.name);
    out.roles = store.rolesOf(parent).map((role, i) => ({
      name: `${parent}-role-${i + 1}`,
      parent,
      parentfield: 'roles',
      parenttype: 'User',
      idx: i + 1,
      role,
      doctype: 'Has Role',
    }));
  }
  out.doctype = meta.name;
  return out;
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
  if (!parentMeta || !hasTable || !hasPermission(ctx.store, ctx.user, parentMeta.name, 'read'))
    throw bareNoPermission();
}

/** `frappe.client.get_list` and `GET /api/resource/{DocType}`. */
export function listDocs(ctx: DocContext, doctype: string, args: ListArgs): unknown[] {
  const meta = metaOf(doctype);
  if (meta.istable) checkParentPermission(ctx, meta, args.parent);
  else requirePermission(ctx, meta.name, 'read');
  const today = siteToday(ctx.store.now(), ctx.store.timeZone);
  return runList(meta, ctx.store.rows(meta.name), args, today);
}

export function countDocs(ctx: DocContext, doctype: string, filters: unknown): number {
  const meta = metaOf(doctype);
  requirePermission(ctx, meta.name, 'read');
  const today = siteToday(ctx.store.now(), ctx.store.timeZone);
  return countRows(meta, ctx.store.table(meta.name).all(), filters, today);
}

export function readDoc(ctx: DocContext, doctype: string, name: string): Record<string, unknown> {
  const meta = metaOf(doctype);
  const doc = getDoc(ctx, meta.name, name);
  requirePermission(ctx, meta.name, 'read', String(doc.name));
  return asDict(ctx.store, meta, doc, true);
}

type Body = Record<string, unknown>;

export function createDoc(ctx: DocContext, doctype: string, body: Body, noNulls = true): Record<string, unknown> {
  const meta = metaOf(doctype);
  return asDict(ctx.store, meta, insertDoc(ctx, meta.name, body), noNulls);
}

export function saveDoc(ctx: DocContext, doctype: string, name: string, body: Body): Record<string, unknown> {
  const meta = metaOf(doctype);
  return asDict(ctx.store, meta, updateDoc(ctx, meta.name, name, body), true);
}

export function deleteDoc(ctx: DocContext, doctype: string, name: string): void {
  const meta = metaOf(doctype);
  const doc = getDoc(ctx, meta.name, name);
  requirePermission(ctx, meta.name, 'delete');
  ctx.store.delete(meta.name, String(doc.name));
}
