// Both simulated servers render their clock as naive wall-clock time in a zone, as a server whose OS zone is set.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A cached 24-hour, two-digit formatter for the zone (undefined: the process zone). */
export function zoneFormatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(key, formatter);
  }
  return formatter;
}
