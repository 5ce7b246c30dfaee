// The range of a chart's time axis (epoch milliseconds), for the dashboard's Shift Type chart.

/**
 * The bounds that show `values` with `padMs` on each side. Without them Chart.js widens a range whose values are all
 * equal (one decision, or a Last Sync of Checkin held at one time) by 5% of the value itself: for epoch milliseconds
 * about ±3 years, and the axis's "MM-DD HH:mm" labels (no year) then name a day months away from the point.
 */
export function timeAxisBounds(values: readonly number[], padMs: number): { min?: number; max?: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return {};
  return { min: Math.min(...finite) - padMs, max: Math.max(...finite) + padMs };
}
