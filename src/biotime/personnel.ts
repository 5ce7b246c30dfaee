// Reads and writes on BioTime's personnel API (§5.1) used by user control: employees, areas and resignations.
// Filters such as `emp_code` are documented, but unknown filters are silently ignored by some versions, so every
// match is made exactly on our side and lists are paged (bounded) until a match is found.
import { BioTimeError } from '../core/errors';
import { describeRequest, expectJson, looksLikeHtml, statusError } from './answers';
import type { BioTimeApi } from './api';
import { checkCode, isObject, looseInt, looseText, parseEnvelope, type Json } from './parse';

export const EMPLOYEES_PATH = '/personnel/api/employees/';
export const ADJUST_AREA_PATH = '/personnel/api/employees/adjust_area/';
export const AREAS_PATH = '/personnel/api/areas/';
export const RESIGNS_PATH = '/personnel/api/resigns/';
export const REINSTATEMENT_PATH = '/personnel/api/resigns/reinstatement/';

const PAGE_SIZE = 200;
const MAX_PAGES = 50;

/** A personnel path answered the HTML "Page not found" page: this BioTime version lacks that API. */
export class ApiAbsentError extends BioTimeError {
  constructor(
    server: string,
    readonly path: string,
  ) {
    super('badResponse', `${server} has no ${path} API (it answered an HTML page instead of JSON).`);
  }
}

export interface BioEmployee {
  id: number;
  empCode: string;
  areaIds: number[];
}

export interface BioArea {
  id: number;
  code: string;
  name: string;
}

export interface BioResign {
  id: number;
  employeeId: number | null;
  empCode: string;
}

/** Pages through a list until `stop` says enough (or the list ends); HTML answers throw ApiAbsentError. */
async function scan(
  api: BioTimeApi,
  path: string,
  params: Record<string, string | number>,
  signal: AbortSignal | undefined,
  stop: (rows: Json[]) => boolean,
): Promise<void> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const what = `GET ${path} (page ${page})`;
    const res = await api.send({
      method: 'GET',
      url: path,
      params: { ...params, page, page_size: PAGE_SIZE, limit: PAGE_SIZE },
      retry: 'read',
      signal,
    });
    if (res.status === 404 && page > 1) return;
    if (res.status === 200 && looksLikeHtml(res.text)) throw new ApiAbsentError(api.server, path);
    const env = parseEnvelope(expectJson(res, api.server, what), api.server, what);
    const rows = env.rows.filter(isObject);
    if (stop(rows) || env.next === null || rows.length === 0) return;
  }
}

export async function findEmployees(api: BioTimeApi, empCode: string, signal?: AbortSignal): Promise<BioEmployee[]> {
  const found: BioEmployee[] = [];
  await scan(api, EMPLOYEES_PATH, { emp_code: empCode }, signal, (rows) => {
    for (const r of rows) {
      const id = looseInt(r.id);
      if (id !== null && looseText(r.emp_code) === empCode) found.push({ id, empCode, areaIds: areaIdsOf(r.area) });
    }
    return found.length > 0;
  });
  return found;
}

/** `area` is a list of {id, area_code, area_name} on 8.x/9.x; bare ids are accepted too. */
function areaIdsOf(v: unknown): number[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.map((a) => (isObject(a) ? looseInt(a.id) : looseInt(a))).filter((x): x is number => x !== null);
}

/** The area with exactly this area_code, plus a few codes seen (for the "not found" message). */
export async function findArea(
  api: BioTimeApi,
  code: string,
  signal?: AbortSignal,
): Promise<{ area?: BioArea; seen: string[] }> {
  let area: BioArea | undefined;
  const seen: string[] = [];
  const look = (rows: Json[]) => {
    for (const r of rows) {
      const id = looseInt(r.id);
      const c = looseText(r.area_code);
      if (seen.length < 10 && c && !seen.includes(c)) seen.push(c);
      if (id !== null && c === code) area = { id, code: c, name: looseText(r.area_name) };
    }
    return area !== undefined;
  };
  await scan(api, AREAS_PATH, { area_code: code }, signal, look);
  // Not found: one unfiltered page, so the message can list the codes that do exist.
  if (!area && seen.length === 0) await scan(api, AREAS_PATH, {}, signal, (rows) => look(rows) || true);
  return { area, seen };
}

function parseResign(r: Json): BioResign | undefined {
  const id = looseInt(r.id);
  if (id === null) return undefined;
  const emp = r.employee;
  return {
    id,
    employeeId: isObject(emp) ? looseInt(emp.id) : looseInt(emp),
    empCode: looseText(r.emp_code) || (isObject(emp) ? looseText(emp.emp_code) : ''),
  };
}

/** Resignations of one employee (by BioTime id, or by emp_code when the id is unknown), newest first. */
export async function findResigns(
  api: BioTimeApi,
  who: { employeeId?: number; empCode: string },
  signal?: AbortSignal,
): Promise<BioResign[]> {
  const found: BioResign[] = [];
  const params: Record<string, string | number> = who.employeeId !== undefined ? { employee: who.employeeId } : {};
  await scan(api, RESIGNS_PATH, params, signal, (rows) => {
    for (const r of rows.map(parseResign)) {
      if (!r) continue;
      const mine =
        who.employeeId !== undefined && r.employeeId !== null
          ? r.employeeId === who.employeeId
          : r.empCode === who.empCode;
      if (mine) found.push(r);
    }
    // With a working `employee` filter the first page is the whole answer.
    return who.employeeId !== undefined && found.length > 0;
  });
  return found.sort((a, b) => b.id - a.id);
}

/** A write (retry mode 'write'); returns the decoded answer. HTML answers throw ApiAbsentError. */
export async function post(api: BioTimeApi, path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
  const what = describeRequest('POST', path);
  const res = await api.send({ method: 'POST', url: path, data: body, retry: 'write', signal });
  if ((res.status === 200 || res.status === 404) && looksLikeHtml(res.text)) throw new ApiAbsentError(api.server, path);
  if (res.status < 200 || res.status >= 300) throw statusError(res, api.server, what);
  if (!res.text.trim()) return undefined;
  const value = expectJson(res, api.server, what);
  if (isObject(value)) checkCode(value, api.server, what);
  return value;
}

/** The id of a created object: `{id}` or `{data: {id}}`. */
export function createdId(value: unknown): number | null {
  if (!isObject(value)) return null;
  return looseInt(value.id) ?? (isObject(value.data) ? looseInt(value.data.id) : null);
}
