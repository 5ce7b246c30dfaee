// What frappe-user control needs to know of many Users, in two list reads instead of one GET per User.
import type { FrappeApi } from './api';
import { chunk, mapPool } from './pool';

export const PROTECTED_ROLE = 'System Manager';
/** Users per `in` filter: one SQL IN list per request, like the Employee look-up. */
export const USER_CHUNK = 500;

export interface UserState {
  enabled: boolean;
  /** Holds System Manager: never enabled or disabled by BioTime Sync. */
  systemManager: boolean;
}

/** Users are matched the way the site's collation matches names (case-insensitive, trailing spaces ignored). */
export function userKey(user: string): string {
  return user.toLowerCase().replace(/ +$/, '');
}

/**
 * Reads `enabled` of the given Users (`frappe.client.get_list` on User) and which of them hold System Manager
 * (get_list on the child doctype Has Role with `parent: "User"`: Frappe checks read permission on User for a
 * child table and refuses a child list without `parent`, frappe-api.md §4.1). Keyed by `userKey`; a User the
 * site did not list is absent. Throws a FrappeError when either read is refused or answered in another shape.
 */
export async function readUserStates(
  api: FrappeApi,
  users: string[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<Map<string, UserState>> {
  const parts = chunk(users, USER_CHUNK);
  const reads = parts.flatMap((part) => [
    { managers: false, part },
    { managers: true, part },
  ]);
  const pages = await mapPool(reads, concurrency, ({ managers, part }) =>
    managers
      ? api.getList(
          'Has Role',
          {
            fields: ['parent'],
            filters: [
              ['parent', 'in', part],
              ['parenttype', '=', 'User'],
              ['role', '=', PROTECTED_ROLE],
            ],
            limit_page_length: 0,
            parent: 'User',
          },
          signal,
        )
      : api.getList(
          'User',
          { fields: ['name', 'enabled'], filters: [['name', 'in', part]], limit_page_length: 0 },
          signal,
        ),
  );
  const managers = new Set<string>();
  const states = new Map<string, UserState>();
  pages.forEach((rows, i) => {
    for (const row of rows) {
      if (reads[i].managers) {
        if (typeof row.parent !== 'string' || !row.parent) throw api.badShape('the Has Role list');
        managers.add(userKey(row.parent));
        continue;
      }
      const enabled = checkValue(row.enabled);
      if (typeof row.name !== 'string' || !row.name || enabled === undefined) throw api.badShape('the User list');
      states.set(userKey(row.name), { enabled, systemManager: false });
    }
  });
  for (const [key, state] of states) state.systemManager = managers.has(key);
  return states;
}

/** A Check column: 0/1 (numbers, or strings from some serialisers) or a boolean; anything else is not a Check. */
function checkValue(v: unknown): boolean | undefined {
  if (v === true || v === 1 || v === '1') return true;
  if (v === false || v === 0 || v === '0') return false;
  return undefined;
}
