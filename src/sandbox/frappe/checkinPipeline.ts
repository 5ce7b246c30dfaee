import { requireDatetime } from './datetime';
import { deskPrefix, strictLogTypeMode } from './doctypes';
import { type FrappeError, incorrectDatetime, validationError } from './errors';
import { pyDumps } from './pyJson';
import { checkinDuplicateKey, type FrappeStore } from './store';
import type { Doc } from './table';

/** What the Employee Checkin controller needs to know about the request it runs in. */
export interface ControllerContext {
  store: FrappeStore;
  /** Origin used by `get_link_to_form` (an absolute URL, e.g. "http://127.0.0.1:8000"). */
  siteUrl: string;
}

/** `before_validate` (HRMS 2025, PR #2773): `time` parsed and truncated to whole seconds. */
export function truncateCheckinTime(doc: Doc): void {
  if (doc.time === null || doc.time === undefined || doc.time === '') return;
  const parsed = requireDatetime(doc.time);
  if (parsed.aware) {
    // The aware datetime, microseconds dropped, reaches the DATETIME column and MariaDB refuses it (c7, d8): 500.
    throw incorrectDatetime(`${parsed.seconds}${parsed.offset}`, 'Employee Checkin', 'time');
  }
  doc.time = parsed.seconds;
}

function inactiveEmployee(ctx: ControllerContext, employee: string): FrappeError {
  const link = `<a href="${ctx.siteUrl}${deskPrefix(ctx.store.version)}/employee/${employee}">${employee}</a>`;
  return validationError(
    `Transactions cannot be created for an Inactive Employee ${link}.`,
    'InactiveEmployeeStatusError',
    'erpnext.setup.doctype.employee.employee.InactiveEmployeeStatusError',
  );
}

function duplicateLog(ctx: ControllerContext, existing: Doc): FrappeError {
  // `get_desk_link`: v15 form route with the doc's title field (employee_name), falling back to the name.
  const title = existing.employee_name || existing.name;
  const href = `${deskPrefix(ctx.store.version)}/Form/Employee Checkin/${String(existing.name)}`;
  const link = `<a href="${href}" style="font-weight: bold;">Employee Checkin ${String(title)}</a>`;
  return validationError(`This employee already has a log with the same timestamp.<Br>${link}`);
}

const pad = (n: number): string => String(n).padStart(2, '0');

function addMinutes(naive: string, minutes: number): string {
  const [date, time] = naive.split(' ');
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mi, ss] = time.split(':').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d, hh, mi + minutes, ss));
  const day = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  return `${day} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

function timeOfDay(value: unknown): string {
  const [hh = '0', mi = '0', ss = '0'] = String(value ?? '00:00:00').split(':');
  return `${pad(Number(hh))}:${pad(Number(mi))}:${pad(Math.floor(Number(ss)))}`;
}

/** Shift window on the punch's date; an end before the start rolls into the next day (night shifts). */
function shiftTimings(shift: Doc, punch: string): Record<string, string> {
  const date = punch.slice(0, 10);
  const start = `${date} ${timeOfDay(shift.start_time)}`;
  let end = `${date} ${timeOfDay(shift.end_time)}`;
  if (end <= start) end = addMinutes(end, 24 * 60);
  return {
    shift_start: start,
    shift_end: end,
    shift_actual_start: addMinutes(start, -Number(shift.begin_check_in_before_shift_start_time ?? 0)),
    shift_actual_end: addMinutes(end, Number(shift.allow_check_out_after_shift_end_time ?? 0)),
  };
}

/**
 * `fetch_shift`. The sandbox's rule for "falls in the shift" is the contract's: an assigned shift (or the
 * employee's default shift) always matches, whatever the punch time.
 */
function fetchShift(ctx: ControllerContext, doc: Doc, employee: Doc): void {
  const shift = ctx.store.shiftOf(employee);
  if (!shift) {
    Object.assign(doc, { shift: null, offshift: 1 });
    return;
  }
  if (
    shift.determine_check_in_and_check_out === strictLogTypeMode &&
    !doc.log_type &&
    !Number(doc.skip_auto_attendance)
  ) {
    throw validationError(`Log Type is required for check-ins falling in the shift: ${String(shift.name)}.`);
  }
  if (doc.attendance) return;
  Object.assign(doc, { shift: shift.name, offshift: 0, ...shiftTimings(shift, String(doc.time)) });
}

function hasCoordinate(value: unknown): boolean {
  return value !== null && value !== undefined && value !== '' && Number(value) !== 0;
}

/** `set_geolocation` + `validate_distance_from_shift_location` (the radius part needs Shift Locations: not simulated). */
function geolocation(ctx: ControllerContext, doc: Doc): void {
  const settings = ctx.store.table('HR Settings').get('HR Settings');
  if (!Number(settings?.allow_geolocation_tracking)) return;
  // Python truthiness: 0.0 counts as missing, and only both missing is refused.
  if (!hasCoordinate(doc.latitude) && !hasCoordinate(doc.longitude)) {
    throw validationError('Latitude and longitude values are required for checking in.');
  }
  if (hasCoordinate(doc.latitude) && hasCoordinate(doc.longitude)) {
    const point = { type: 'Point', coordinates: [Number(doc.longitude), Number(doc.latitude)] };
    const feature = { type: 'Feature', properties: {}, geometry: point };
    // `json.dumps` with Python's default separators (h5).
    doc.geolocation = pyDumps({ type: 'FeatureCollection', features: [feature] }, { spaced: true, ensureAscii: true });
  }
}

/** The controller's `validate` (frappe-api.md §8.3 step 3), in HRMS order. */
export function validateCheckin(ctx: ControllerContext, doc: Doc): void {
  const employee = doc.employee ? ctx.store.table('Employee').get(String(doc.employee)) : undefined;
  if (employee?.status === 'Inactive') throw inactiveEmployee(ctx, String(employee.name));
  if (employee && doc.time) {
    const sameKey = ctx.store.table('Employee Checkin').lookup('duplicate', checkinDuplicateKey(doc));
    const clash = sameKey.find((d) => d.name !== doc.name && !ctx.store.invisible('Employee Checkin', d));
    if (clash) throw duplicateLog(ctx, clash);
  }
  if (employee && doc.time) fetchShift(ctx, doc, employee);
  geolocation(ctx, doc);
}
