// Shift Type "Last Sync of Checkin" and HR Settings geolocation: what auto attendance and the checkin validation
// depend on (frappe-api.md §8.3). Auto attendance only processes checkins before last_sync_of_checkin.
import { FrappeError } from '../core/errors';
import type { ShiftTypeInfo } from '../core/types';
import type { FrappeApi } from './api';
import { normaliseFrappeTime } from './time';

export async function getShiftTypes(api: FrappeApi, names: string[], signal?: AbortSignal): Promise<ShiftTypeInfo[]> {
  const out: ShiftTypeInfo[] = [];
  for (const name of names) {
    const r = await api.send({
      method: 'GET',
      path: `/api/resource/Shift%20Type/${encodeURIComponent(name)}`,
      retry: 'read',
      signal,
    });
    if (!r.ok) {
      if (r.error.status === 404) {
        out.push({ name, exists: false, lastSyncOfCheckin: null, autoUpdate: false });
        continue;
      }
      throw r.error;
    }
    const doc = (r.body.data ?? r.body.message) as Record<string, unknown> | undefined;
    if (!doc || typeof doc !== 'object') throw api.badShape(`Shift Type ${name}`);
    const last = typeof doc.last_sync_of_checkin === 'string' ? normaliseFrappeTime(doc.last_sync_of_checkin) : null;
    out.push({
      name,
      exists: true,
      lastSyncOfCheckin: last ?? null,
      autoUpdate: Number(doc.auto_update_last_sync ?? 0) === 1,
    });
  }
  return out;
}

export async function setShiftLastSync(
  api: FrappeApi,
  name: string,
  time: string,
  signal?: AbortSignal,
): Promise<void> {
  // Setting the same value twice is harmless, so the write may be retried like a read.
  await api.call({
    method: 'PUT',
    path: `/api/resource/Shift%20Type/${encodeURIComponent(name)}`,
    data: { last_sync_of_checkin: time },
    retry: 'read',
    signal,
  });
}

/** Whether HR Settings requires coordinates on checkins; 'unknown' when the settings cannot be read. */
export async function geolocationRequired(api: FrappeApi, signal?: AbortSignal): Promise<boolean | 'unknown'> {
  const r = await api.send({ method: 'GET', path: '/api/resource/HR%20Settings/HR%20Settings', retry: 'read', signal });
  if (!r.ok) {
    if (r.error.reason === 'permission' || r.error.status === 404) return 'unknown';
    throw r.error;
  }
  const doc = (r.body.data ?? r.body.message) as Record<string, unknown> | undefined;
  if (!doc || typeof doc !== 'object')
    throw new FrappeError('badResponse', `Frappe site ${api.siteId} answered HR Settings in an unexpected shape.`);
  return Number(doc.allow_geolocation_tracking ?? 0) === 1;
}
