import type { SandboxRequest } from '../common/httpServer';
import { authenticationError, FrappeError } from './errors';
import { sessionUser } from './session';
import type { FrappeStore } from './store';

/**
 * Python's non-strict `base64.b64decode`: characters outside the alphabet are dropped, then the padding
 * is checked. Returns undefined where Python raises `binascii.Error`.
 */
function pythonB64Decode(token: string): Buffer | undefined {
  const filtered = token.replace(/[^A-Za-z0-9+/=]/g, '');
  const data = filtered.replace(/=/g, '');
  const pads = filtered.length - data.length;
  const rest = data.length % 4;
  if (rest === 1 || (rest === 2 && pads < 2) || (rest === 3 && pads < 1)) return undefined;
  return Buffer.from(data, 'base64');
}

function invalidToken(): FrappeError {
  return new FrappeError(
    'InvalidAuthorizationToken',
    400,
    'Failed to decode token, please provide a valid base64-encoded token.',
  );
}

/** `key:secret` split like Python's `str.split(":")` into exactly two parts, else nothing. */
function keyPair(text: string): [string, string] | undefined {
  const parts = text.split(':');
  return parts.length === 2 ? [parts[0], parts[1]] : undefined;
}

function decodeBasic(token: string): [string, string] | undefined {
  const bytes = pythonB64Decode(token);
  if (!bytes) throw invalidToken();
  try {
    return keyPair(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    // safe_decode hands back bytes, and bytes.split(":") is a TypeError, swallowed like the other misses.
    return undefined;
  }
}

function userFor(store: FrappeStore, pair: [string, string] | undefined): string | undefined {
  if (!pair) return undefined;
  const apiKey = store.apiKey(pair[0]);
  if (!apiKey || apiKey.secret !== pair[1]) return undefined;
  const user = store.table('User').get(apiKey.user);
  return user && Number(user.enabled) ? String(user.name) : undefined;
}

/**
 * `validate_auth` (v15+, frappe-api.md §1.1): only a header of exactly two space-separated parts is
 * considered; if it does not yield a user, that is a 401. No header (or any other shape) means Guest.
 */
export function authenticate(store: FrappeStore, req: SandboxRequest): string {
  const header = req.headers.authorization;
  if (header === undefined) return sessionUser(store, req) ?? 'Guest';
  const parts = header.split(' ');
  if (parts.length !== 2) return 'Guest';
  const [scheme, token] = parts;
  let pair: [string, string] | undefined;
  if (scheme.toLowerCase() === 'basic') pair = decodeBasic(token);
  else if (scheme.toLowerCase() === 'token') pair = keyPair(token);
  const user = userFor(store, pair);
  if (!user) throw authenticationError();
  return user;
}
