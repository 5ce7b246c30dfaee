// Error bodies copied verbatim from docs/reference/frappe-api.md §1.1 and §6 (do not reformat).
// Generated once with a small script so the escaping is exactly the document's.

export const AUTH_401_TRACEBACK = String.raw`{"exception": "frappe.exceptions.AuthenticationError",
 "exc_type": "AuthenticationError",
 "exc": "[\"Traceback (most recent call last):\\n ... frappe.exceptions.AuthenticationError\\n\"]"}`;

export const DUPLICATE_TRACEBACK = String.raw`{
 "exception": "frappe.exceptions.ValidationError: This employee already has a log with the same timestamp.<Br><a href=\"/app/Form/Employee Checkin/EMP-CKIN-05-2024-000008\" style=\"font-weight: bold;\">Employee Checkin Rajbir Singh</a>",
 "exc_type": "ValidationError",
 "_exc_source": "hrms (app)",
 "exc": "[\"Traceback (most recent call last):\\n  ...\\nfrappe.exceptions.ValidationError: This employee already has a log with the same timestamp.<Br><a href=\\\"/app/Form/Employee Checkin/EMP-CKIN-05-2024-000008\\\" style=\\\"font-weight: bold;\\\">Employee Checkin Rajbir Singh</a>\\n\"]",
 "_server_messages": "[\"{\\\"message\\\": \\\"This employee already has a log with the same timestamp.<Br><a href=\\\\\\\"/app/Form/Employee Checkin/EMP-CKIN-05-2024-000008\\\\\\\" style=\\\\\\\"font-weight: bold;\\\\\\\">Employee Checkin Rajbir Singh</a>\\\", \\\"title\\\": \\\"Message\\\", \\\"indicator\\\": \\\"red\\\", \\\"raise_exception\\\": 1, \\\"__frappe_exc_id\\\": \\\"9c4f0d2a7b\\\"}\"]"
}`;

export const NO_EMPLOYEE = String.raw`{"exc_type": "ValidationError",
 "_server_messages": "[\"{\\\"message\\\": \\\"No Employee found for the given employee field value. 'attendance_device_id': 9999\\\", \\\"title\\\": \\\"Message\\\", \\\"indicator\\\": \\\"red\\\", \\\"raise_exception\\\": 1, \\\"__frappe_exc_id\\\": \\\"77aa01\\\"}\"]"}`;

export const INACTIVE = String.raw`{"exc_type": "InactiveEmployeeStatusError",
 "_server_messages": "[\"{\\\"message\\\": \\\"Transactions cannot be created for an Inactive Employee <a href=\\\\\\\"https://hr.example.com/app/employee/HR-EMP-00007\\\\\\\">HR-EMP-00007</a>.\\\", \\\"title\\\": \\\"Message\\\", \\\"indicator\\\": \\\"red\\\", \\\"raise_exception\\\": 1, \\\"__frappe_exc_id\\\": \\\"1b2c\\\"}\"]"}`;
