/**
 * The slice of Frappe metadata the sandbox needs: field types (for coercion, comparisons and Select
 * checks), mandatory/unique flags, labels (they appear in error messages) and the naming rule.
 */
export type FieldType = 'Data' | 'Link' | 'Select' | 'Datetime' | 'Date' | 'Time' | 'Check' | 'Int' | 'Float' | 'Text';

export interface FieldMeta {
  fieldname: string;
  label: string;
  fieldtype: FieldType;
  /** Link target doctype, or Select options separated by "\n". */
  options?: string;
  reqd?: boolean;
  unique?: boolean;
  default?: string | number;
  /** Fields only the server sets (`read_only` + fetch_from/controller): ignored in request bodies. */
  readOnly?: boolean;
  permlevel?: number;
}

export type Naming =
  | { kind: 'series'; prefix: (creation: string) => string; digits: number }
  | { kind: 'prompt' }
  | { kind: 'email' }
  | { kind: 'single' };

export interface DocTypeMeta {
  name: string;
  fields: FieldMeta[];
  naming: Naming;
  /** Default list order (`sort_field`/`sort_order`). */
  sortField: string;
  sortOrder: 'asc' | 'desc';
  titleField?: string;
  /** A child doctype (`istable`): its rows live in a parent's Table field and carry parent/parentfield/parenttype. */
  istable?: boolean;
  /** Table fields (`fieldtype: "Table"`): not columns of this doctype; `options` names the child doctype. */
  tables?: Array<{ fieldname: string; label: string; options: string; permlevel?: number }>;
}

export const standardFields: FieldMeta[] = [
  { fieldname: 'name', label: 'ID', fieldtype: 'Data' },
  { fieldname: 'owner', label: 'Created By', fieldtype: 'Link', options: 'User' },
  { fieldname: 'creation', label: 'Created On', fieldtype: 'Datetime' },
  { fieldname: 'modified', label: 'Last Updated On', fieldtype: 'Datetime' },
  { fieldname: 'modified_by', label: 'Last Updated By', fieldtype: 'Link', options: 'User' },
  { fieldname: 'docstatus', label: 'Document Status', fieldtype: 'Int' },
  { fieldname: 'idx', label: 'Index', fieldtype: 'Int' },
];

/** The extra standard columns of every child doctype row (`child_table_fields` in frappe/model/__init__.py). */
export const childTableFields: FieldMeta[] = [
  { fieldname: 'parent', label: 'Parent', fieldtype: 'Data' },
  { fieldname: 'parentfield', label: 'Parent Field', fieldtype: 'Data' },
  { fieldname: 'parenttype', label: 'Parent Type', fieldtype: 'Data' },
];

const employee: DocTypeMeta = {
  name: 'Employee',
  naming: { kind: 'series', prefix: () => 'HR-EMP-', digits: 5 },
  sortField: 'modified',
  sortOrder: 'desc',
  titleField: 'employee_name',
  fields: [
    { fieldname: 'naming_series', label: 'Series', fieldtype: 'Select', options: 'HR-EMP-', default: 'HR-EMP-' },
    { fieldname: 'first_name', label: 'First Name', fieldtype: 'Data', reqd: true },
    { fieldname: 'middle_name', label: 'Middle Name', fieldtype: 'Data' },
    { fieldname: 'last_name', label: 'Last Name', fieldtype: 'Data' },
    { fieldname: 'employee_name', label: 'Full Name', fieldtype: 'Data', readOnly: true },
    {
      fieldname: 'status',
      label: 'Status',
      fieldtype: 'Select',
      options: 'Active\nInactive\nSuspended\nLeft',
      reqd: true,
      default: 'Active',
    },
    {
      fieldname: 'company',
      label: 'Company',
      fieldtype: 'Link',
      options: 'Company',
      reqd: true,
      default: 'Demo Company',
    },
    { fieldname: 'user_id', label: 'User ID', fieldtype: 'Link', options: 'User' },
    { fieldname: 'employee_number', label: 'Employee Number', fieldtype: 'Data' },
    {
      fieldname: 'attendance_device_id',
      label: 'Attendance Device ID (Biometric/RF tag ID)',
      fieldtype: 'Data',
      unique: true,
    },
    { fieldname: 'department', label: 'Department', fieldtype: 'Link', options: 'Department' },
    { fieldname: 'default_shift', label: 'Default Shift', fieldtype: 'Link', options: 'Shift Type' },
    { fieldname: 'date_of_joining', label: 'Date of Joining', fieldtype: 'Date' },
    { fieldname: 'relieving_date', label: 'Relieving Date', fieldtype: 'Date' },
  ],
};

// autoname "EMP-CKIN-.MM.-.YYYY.-.######": month and year of the creation date, not of the punch.
const checkinPrefix = (creation: string): string => `EMP-CKIN-${creation.slice(5, 7)}-${creation.slice(0, 4)}-`;

const employeeCheckin: DocTypeMeta = {
  name: 'Employee Checkin',
  naming: { kind: 'series', prefix: checkinPrefix, digits: 6 },
  sortField: 'creation',
  sortOrder: 'asc',
  titleField: 'employee_name',
  fields: [
    { fieldname: 'employee', label: 'Employee', fieldtype: 'Link', options: 'Employee', reqd: true },
    { fieldname: 'employee_name', label: 'Employee Name', fieldtype: 'Data', readOnly: true },
    { fieldname: 'log_type', label: 'Log Type', fieldtype: 'Select', options: '\nIN\nOUT' },
    { fieldname: 'shift', label: 'Shift', fieldtype: 'Link', options: 'Shift Type', readOnly: true },
    { fieldname: 'time', label: 'Time', fieldtype: 'Datetime', reqd: true, permlevel: 1 },
    { fieldname: 'device_id', label: 'Location / Device ID', fieldtype: 'Data' },
    { fieldname: 'skip_auto_attendance', label: 'Skip Auto Attendance', fieldtype: 'Check', default: 0 },
    { fieldname: 'attendance', label: 'Attendance Marked', fieldtype: 'Link', options: 'Attendance', readOnly: true },
    // Float columns are NOT NULL DEFAULT 0: every stored checkin carries 0.0 (d1, g1).
    { fieldname: 'latitude', label: 'Latitude', fieldtype: 'Float', default: 0 },
    { fieldname: 'longitude', label: 'Longitude', fieldtype: 'Float', default: 0 },
    { fieldname: 'geolocation', label: 'Geolocation', fieldtype: 'Text', readOnly: true },
    { fieldname: 'shift_start', label: 'Shift Start', fieldtype: 'Datetime', readOnly: true },
    { fieldname: 'shift_end', label: 'Shift End', fieldtype: 'Datetime', readOnly: true },
    { fieldname: 'shift_actual_start', label: 'Shift Actual Start', fieldtype: 'Datetime', readOnly: true },
    { fieldname: 'shift_actual_end', label: 'Shift Actual End', fieldtype: 'Datetime', readOnly: true },
    { fieldname: 'offshift', label: 'Off-Shift', fieldtype: 'Check', default: 0, readOnly: true },
  ],
};

const user: DocTypeMeta = {
  name: 'User',
  naming: { kind: 'email' },
  sortField: 'modified',
  sortOrder: 'desc',
  titleField: 'full_name',
  fields: [
    { fieldname: 'email', label: 'Email', fieldtype: 'Data', reqd: true },
    { fieldname: 'first_name', label: 'First Name', fieldtype: 'Data', reqd: true },
    { fieldname: 'last_name', label: 'Last Name', fieldtype: 'Data' },
    { fieldname: 'full_name', label: 'Full Name', fieldtype: 'Data', readOnly: true },
    { fieldname: 'enabled', label: 'Enabled', fieldtype: 'Check', default: 1 },
    {
      fieldname: 'user_type',
      label: 'User Type',
      fieldtype: 'Select',
      options: 'System User\nWebsite User',
      default: 'System User',
      permlevel: 1,
    },
    { fieldname: 'api_key', label: 'API Key', fieldtype: 'Data', readOnly: true, permlevel: 1 },
  ],
  // v15 user.json: `roles` sits at permlevel 1, so a user without System Manager reads its own record with
  // `"roles": []` (i8) — reading roles needs `frappe.client.get_list` on Has Role (i3, i6).
  tables: [{ fieldname: 'roles', label: 'Roles Assigned', options: 'Has Role', permlevel: 1 }],
};

// frappe/core/doctype/has_role/has_role.json: the child table of User.roles (also of Page, Report, Role
// Profile... on a real site; the sandbox only has User parents).
const hasRole: DocTypeMeta = {
  name: 'Has Role',
  naming: { kind: 'prompt' },
  sortField: 'modified',
  sortOrder: 'desc',
  istable: true,
  fields: [{ fieldname: 'role', label: 'Role', fieldtype: 'Link', options: 'Role' }],
};

export const strictLogTypeMode = 'Strictly based on Log Type in Employee Checkin';

const shiftType: DocTypeMeta = {
  name: 'Shift Type',
  naming: { kind: 'prompt' },
  sortField: 'modified',
  sortOrder: 'desc',
  fields: [
    { fieldname: 'start_time', label: 'Start Time', fieldtype: 'Time', reqd: true },
    { fieldname: 'end_time', label: 'End Time', fieldtype: 'Time', reqd: true },
    {
      fieldname: 'determine_check_in_and_check_out',
      label: 'Determine Check-in and Check-out',
      fieldtype: 'Select',
      options: `Alternating entries as IN and OUT during the same shift\n${strictLogTypeMode}`,
      default: 'Alternating entries as IN and OUT during the same shift',
    },
    {
      fieldname: 'begin_check_in_before_shift_start_time',
      label: 'Begin check-in before shift start time (in minutes)',
      fieldtype: 'Int',
      default: 60,
    },
    {
      fieldname: 'allow_check_out_after_shift_end_time',
      label: 'Allow check-out after shift end time (in minutes)',
      fieldtype: 'Int',
      default: 60,
    },
    { fieldname: 'enable_auto_attendance', label: 'Enable Auto Attendance', fieldtype: 'Check', default: 0 },
    { fieldname: 'last_sync_of_checkin', label: 'Last Sync of Checkin', fieldtype: 'Datetime' },
    {
      fieldname: 'auto_update_last_sync',
      label: 'Automatically update Last Sync of Checkin',
      fieldtype: 'Check',
      default: 0,
    },
  ],
};

const hrSettings: DocTypeMeta = {
  name: 'HR Settings',
  naming: { kind: 'single' },
  sortField: 'modified',
  sortOrder: 'desc',
  fields: [
    {
      fieldname: 'emp_created_by',
      label: 'Employee Naming By',
      fieldtype: 'Select',
      options: 'Naming Series\nEmployee Number\nFull Name',
      default: 'Naming Series',
    },
    { fieldname: 'allow_geolocation_tracking', label: 'Allow Geolocation Tracking', fieldtype: 'Check', default: 0 },
  ],
};

export const doctypes: ReadonlyMap<string, DocTypeMeta> = new Map(
  [employee, employeeCheckin, user, hasRole, shiftType, hrSettings].map((meta) => [meta.name, meta]),
);

/** Frappe/HRMS major version the sandbox plays: 15 (the recorded site) or 16. */
export type FrappeVersion = 15 | 16;

// HRMS v16 adds an Overtime Type link to Employee Checkin (overtime slips).
const employeeCheckinV16: DocTypeMeta = {
  ...employeeCheckin,
  fields: [
    ...employeeCheckin.fields,
    { fieldname: 'overtime_type', label: 'Overtime Type', fieldtype: 'Link', options: 'Overtime Type' },
  ],
};

const v16: ReadonlyMap<string, DocTypeMeta> = new Map([...doctypes, [employeeCheckinV16.name, employeeCheckinV16]]);

/** The doctypes of one version. */
export function doctypesFor(version: FrappeVersion): ReadonlyMap<string, DocTypeMeta> {
  return version === 16 ? v16 : doctypes;
}

/** The `/app` desk of v15 became `/desk` in v16: links in messages follow. */
export function deskPrefix(version: FrappeVersion): string {
  return version === 16 ? '/desk' : '/app';
}

function baseFields(meta: DocTypeMeta): FieldMeta[] {
  return meta.istable ? [...standardFields, ...childTableFields] : standardFields;
}

export function fieldOf(meta: DocTypeMeta, fieldname: string): FieldMeta | undefined {
  return baseFields(meta).find((f) => f.fieldname === fieldname) ?? meta.fields.find((f) => f.fieldname === fieldname);
}

/** Column order of a row: standard columns (plus parent/parentfield/parenttype on a child), then its own fields. */
export function columnsOf(meta: DocTypeMeta): string[] {
  return [...baseFields(meta), ...meta.fields].map((f) => f.fieldname);
}

export function selectOptions(field: FieldMeta): string[] {
  return (field.options ?? '').split('\n');
}
