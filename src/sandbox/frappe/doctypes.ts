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
    // The rest of a v15 User as the recorded site serves it (i8), with a fresh site's defaults.
    ...['username', 'language', 'time_zone', 'last_ip', 'last_login'].map((fieldname) => ({
      fieldname,
      label: fieldname,
      fieldtype: 'Data' as const,
      readOnly: true,
    })),
    { fieldname: 'last_active', label: 'Last Active', fieldtype: 'Datetime', readOnly: true },
    { fieldname: 'desk_theme', label: 'Desk Theme', fieldtype: 'Data', default: 'Light' },
    { fieldname: 'document_follow_frequency', label: 'Frequency', fieldtype: 'Data', default: 'Daily' },
    { fieldname: 'new_password', label: 'Set New Password', fieldtype: 'Data', default: '' },
    { fieldname: 'onboarding_status', label: 'Onboarding Status', fieldtype: 'Text', default: '{}' },
    { fieldname: 'simultaneous_sessions', label: 'Simultaneous Sessions', fieldtype: 'Int', default: 2 },
    { fieldname: 'login_after', label: 'Login After', fieldtype: 'Int', default: 0 },
    { fieldname: 'login_before', label: 'Login Before', fieldtype: 'Int', default: 0 },
    ...checkFields({
      send_welcome_email: 0,
      unsubscribed: 0,
      mute_sounds: 0,
      search_bar: 1,
      notifications: 1,
      list_sidebar: 1,
      bulk_actions: 1,
      view_switcher: 1,
      form_sidebar: 1,
      timeline: 1,
      dashboard: 1,
      logout_all_sessions: 1,
      document_follow_notify: 0,
      follow_created_documents: 0,
      follow_commented_documents: 0,
      follow_liked_documents: 0,
      follow_assigned_documents: 0,
      follow_shared_documents: 0,
      thread_notify: 1,
      send_me_a_copy: 0,
      allowed_in_mentions: 1,
      bypass_restrict_ip_check_if_2fa_enabled: 0,
    }),
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
    // The other fields of HRMS 15's Shift Type as the recorded site answers them (h0, h1).
    { fieldname: 'color', label: 'Color', fieldtype: 'Data', default: 'Blue' },
    {
      fieldname: 'working_hours_calculation_based_on',
      label: 'Working Hours Calculation Based On',
      fieldtype: 'Select',
      options: 'First Check-in and Last Check-out\nEvery Valid Check-in and Check-out',
      default: 'First Check-in and Last Check-out',
    },
    { fieldname: 'working_hours_threshold_for_half_day', label: 'Half Day threshold', fieldtype: 'Float', default: 0 },
    { fieldname: 'working_hours_threshold_for_absent', label: 'Absent threshold', fieldtype: 'Float', default: 0 },
    { fieldname: 'process_attendance_after', label: 'Process Attendance After', fieldtype: 'Date' },
    ...checkFields({ mark_auto_attendance_on_holidays: 0, enable_late_entry_marking: 0, enable_early_exit_marking: 0 }),
    { fieldname: 'late_entry_grace_period', label: 'Late Entry Grace Period', fieldtype: 'Int', default: 0 },
    { fieldname: 'early_exit_grace_period', label: 'Early Exit Grace Period', fieldtype: 'Int', default: 0 },
  ],
};

/** Check fields (label = fieldname) with their defaults. */
function checkFields(defaults: Record<string, 0 | 1>): FieldMeta[] {
  return Object.entries(defaults).map(([fieldname, value]) => ({
    fieldname,
    label: fieldname,
    fieldtype: 'Check' as const,
    default: value,
  }));
}

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
    // The rest of HRMS 15's HR Settings as the recorded site serves it (h2): defaults of a fresh site.
    { fieldname: 'standard_working_hours', label: 'Standard Working Hours', fieldtype: 'Float', default: 0 },
    ...checkFields({
      send_work_anniversary_reminders: 1,
      send_birthday_reminders: 0,
      send_holiday_reminders: 1,
      send_leave_notification: 1,
      leave_approver_mandatory_in_leave_application: 1,
      restrict_backdated_leave_application: 0,
      prevent_self_leave_approval: 0,
      expense_approver_mandatory_in_expense_claim: 1,
      show_leaves_of_all_department_members_in_calendar: 0,
      auto_leave_encashment: 0,
      allow_multiple_shift_assignments: 0,
      check_vacancies: 0,
      send_interview_reminder: 0,
      send_interview_feedback_reminder: 0,
      allow_employee_checkin_from_mobile_app: 1,
      unlink_payment_on_cancellation_of_employee_advance: 0,
    }),
    { fieldname: 'frequency', label: 'Frequency', fieldtype: 'Select', options: 'Weekly\nMonthly', default: 'Weekly' },
    { fieldname: 'remind_before', label: 'Remind Before', fieldtype: 'Time', default: '00:15:00' },
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
