// Frappe datetimes are naive site-zone strings: "2024-05-24 08:50:08", sometimes with ".ffffff" (Python str()) or
// the raw input echoed back, possibly with a "T" (frappe-api.md §9). The engine compares them to the second.

/** "YYYY-MM-DD HH:MM:SS" with any fraction dropped and "T" accepted; null when the value is not a datetime. */
export function normaliseFrappeTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value.trim());
  if (!m) return null;
  return `${m[1]} ${m[2]}:${m[3]}:${m[4] ?? '00'}`;
}
