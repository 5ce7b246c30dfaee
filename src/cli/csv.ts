// CSV output (RFC 4180). Cells that a spreadsheet would run as a formula (=, +, @, tab, CR) are prefixed with a quote:
// names and reasons come from BioTime and Frappe, and a punch name must never become a formula on the operator's PC.
export function csv(header: string[], rows: (string | number | null | undefined)[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
