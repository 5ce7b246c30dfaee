// Password login (`POST /api/method/login`, intercepted by `LoginManager`, frappe-api.md §1.2; recording k13) and
// the `sid` cookie sessions it opens. Token auth never needs it; a client that logs in with a password does.
import { randomBytes } from 'node:crypto';
import type { SandboxRequest } from '../common/httpServer';
import { deskPrefix } from './doctypes';
import { FrappeError } from './errors';
import type { FormDict } from './request';
import type { FrappeStore } from './store';

export interface LoginAnswer {
  body: Record<string, unknown>;
  cookies: string[];
}

function loginFailure(message: string): FrappeError {
  // `LoginManager.fail` sets `message` before raising: the key stays in the 401 body.
  return new FrappeError('AuthenticationError', 401, '', { messages: [], extraBody: { message } });
}

/** Checks `usr`/`pwd`, opens a session and answers like v15: "Logged In", the desk home page, the full name. */
export function login(store: FrappeStore, form: FormDict, remoteIp: string): LoginAnswer {
  const usr = String(form.usr ?? '');
  const pwd = String(form.pwd ?? '');
  if (!usr || !pwd) throw loginFailure('Incomplete login details');
  const user = store.table('User').get(usr);
  if (!user || !Number(user.enabled)) throw loginFailure('User disabled or missing');
  if (!store.checkPassword(String(user.name), pwd)) throw loginFailure('Invalid login credentials');
  const name = String(user.name);
  const sid = store.openSession(name, randomBytes(28).toString('hex'));
  const now = store.nowText();
  store.table('User').put({ ...user, last_login: now, last_active: now, last_ip: remoteIp });
  const fullName = String(user.full_name ?? name);
  const attrs = 'Path=/; SameSite=Lax';
  return {
    body: { message: 'Logged In', home_page: deskPrefix(store.version), full_name: fullName },
    cookies: [
      `sid=${sid}; Max-Age=612000; HttpOnly; ${attrs}`,
      `system_user=yes; ${attrs}`,
      `full_name=${encodeURIComponent(fullName)}; ${attrs}`,
      `user_id=${encodeURIComponent(name)}; ${attrs}`,
      `user_image=; ${attrs}`,
    ],
  };
}

/** The user of the request's `sid` cookie, if it names an open session. */
export function sessionUser(store: FrappeStore, req: SandboxRequest): string | undefined {
  const cookie = String(req.headers.cookie ?? '');
  const sid = /(?:^|;\s*)sid=([^;]+)/.exec(cookie)?.[1];
  return sid ? store.sessionUser(sid) : undefined;
}
