// BioTime login and token reuse. Two schemes (§2): JWT from /jwt-api-token-auth/ sent as `JWT <token>` (default)
// and the non-expiring "general token" from /api-token-auth/ sent as `Token <key>`. The JWT lifetime differs per
// install (drf-jwt defaults to 300 s, integrators assume 24 h), so we trust the token's own `exp`. Rejected
// credentials pause further logins for a while (pybiotime does the same) so a scheduler or an impatient
// operator cannot get the BioTime account locked.
import { createHash } from 'node:crypto';
import type { DeviceConfig } from '../core/configTypes';
import { BioTimeError, CredentialsMissingError, errorMessage } from '../core/errors';
import { setBioTimePasswordHint } from '../core/fixHints';
import type { HttpClient } from '../core/http';
import type { Clock, CredentialProvider, Logger } from '../core/ports';
import type { Redactor } from '../core/redact';
import { HTML_HINT, decodeJson, detailOf, looksLikeHtml, mentionsLicence, transportError } from './answers';
import { isObject } from './parse';

/** A JWT is reused while it stays valid at least this long. */
const EXPIRY_MARGIN_MS = 60_000;
export const LOGIN_COOL_DOWN_MS = 60_000;

/**
 * Remembers refused logins per (server, user, password) for a cool-down. Keyed on a hash of the password too, so
 * an operator who fixes the password is not made to wait. Shared by default across clients of the process, as the
 * engine may build a new client per run while the account lock-out counts per server.
 */
export class LoginGuard {
  private readonly refused = new Map<string, { at: number; error: BioTimeError }>();
  constructor(readonly coolDownMs = LOGIN_COOL_DOWN_MS) {}

  blocked(key: string, now: Date): BioTimeError | undefined {
    const r = this.refused.get(key);
    if (!r) return undefined;
    const left = r.at + this.coolDownMs - now.getTime();
    if (left <= 0) {
      this.refused.delete(key);
      return undefined;
    }
    const e = r.error;
    return new BioTimeError(
      e.reason,
      `${e.message} (Not retried: logins are paused for another ${Math.ceil(left / 1000)} s.)`,
      e.hint,
      { status: e.status },
    );
  }

  refuse(key: string, now: Date, error: BioTimeError): void {
    this.refused.set(key, { at: now.getTime(), error });
  }

  clear(key: string): void {
    this.refused.delete(key);
  }
}

export const sharedLoginGuard = new LoginGuard();

/** `exp` of a JWT as a Date, or undefined for anything that is not a JWT carrying a numeric `exp`. */
export function jwtExpiry(token: string): Date | undefined {
  const exp = jwtPayload(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : undefined;
}

export function jwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return isObject(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

export interface AuthOptions {
  device: Pick<DeviceConfig, 'id' | 'url' | 'username' | 'authScheme'>;
  /** "BioTime hq", for messages. */
  server: string;
  http: HttpClient;
  credentials: CredentialProvider;
  clock: Clock;
  logger: Logger;
  redactor?: Redactor;
  loginGuard?: LoginGuard;
}

export interface Authorization {
  header: string;
  token: string;
}

export class BioTimeAuth {
  private token: string | undefined;
  /** Expiry on our clock of tokens received in this process (see usable()). */
  private readonly localExpiry = new Map<string, number | undefined>();
  private loadedStored = false;
  private loginInFlight: Promise<string> | undefined;
  private readonly guard: LoginGuard;

  constructor(private readonly options: AuthOptions) {
    this.guard = options.loginGuard ?? sharedLoginGuard;
  }

  get scheme(): 'jwt' | 'token' {
    return this.options.device.authScheme === 'token' ? 'token' : 'jwt';
  }

  /** Expiry of the token in use, when it is a JWT. */
  get tokenExpiresAt(): Date | undefined {
    return this.token ? jwtExpiry(this.token) : undefined;
  }

  /** The Authorization header for the next request: the stored token while it is good, else a fresh login. */
  async authorization(signal?: AbortSignal): Promise<Authorization> {
    if (!this.loadedStored) {
      this.loadedStored = true;
      let stored: string | undefined;
      try {
        stored = await this.options.credentials.getToken(this.options.device.id);
      } catch (e) {
        // A broken token store costs one login, nothing more.
        this.options.logger.warn(
          `${this.options.server}: could not read the stored BioTime token (${errorMessage(e)}); logging in.`,
        );
      }
      if (stored && this.fitsScheme(stored)) this.remember(stored);
    }
    if (this.token && this.usable(this.token)) return this.header(this.token);
    return this.header(await this.login(signal));
  }

  /** After a 401 for `used`: logs in again, unless a concurrent request already replaced that token. */
  async afterUnauthorized(used: string, signal?: AbortSignal): Promise<Authorization> {
    if (this.token && this.token !== used && this.usable(this.token)) return this.header(this.token);
    this.token = undefined;
    return this.header(await this.login(signal));
  }

  private header(token: string): Authorization {
    return { header: `${this.scheme === 'jwt' ? 'JWT' : 'Token'} ${token}`, token };
  }

  /**
   * A JWT is good while `exp` is more than a minute away; a token without `exp` is good until BioTime says 401.
   * `exp` is BioTime's clock, which may be hours off ours: for a token we just received, its lifetime is measured
   * on our clock from the moment it arrived (iat..exp), or, without `iat`, trusted until BioTime answers 401 —
   * otherwise a BioTime clock running behind would make every request log in again.
   */
  private usable(token: string): boolean {
    const now = this.options.clock.now().getTime();
    if (this.localExpiry.has(token)) {
      const local = this.localExpiry.get(token);
      return local === undefined || local > now + EXPIRY_MARGIN_MS;
    }
    const exp = jwtExpiry(token);
    return !exp || exp.getTime() > now + EXPIRY_MARGIN_MS;
  }

  /** Our-clock expiry of a token just received (undefined: until a 401). */
  private noteReceived(token: string): void {
    const exp = jwtExpiry(token);
    if (!exp) return;
    const iat = jwtPayload(token)?.orig_iat ?? jwtPayload(token)?.iat;
    const now = this.options.clock.now().getTime();
    const local =
      typeof iat === 'number' && Number.isFinite(iat) && exp.getTime() > iat * 1000
        ? now + (exp.getTime() - iat * 1000)
        : exp.getTime() > now + EXPIRY_MARGIN_MS
          ? exp.getTime()
          : undefined;
    this.localExpiry.clear();
    this.localExpiry.set(token, local);
  }

  /** A stored token from another scheme (the setting changed) or another user is dropped rather than tried. */
  private fitsScheme(token: string): boolean {
    const payload = jwtPayload(token);
    if (this.scheme === 'token') return payload === undefined;
    if (payload === undefined) return false;
    return typeof payload.username !== 'string' || payload.username === this.options.device.username;
  }

  private remember(token: string): void {
    this.options.redactor?.add(token);
    this.token = token;
  }

  private login(signal?: AbortSignal): Promise<string> {
    // Concurrent callers share one login.
    this.loginInFlight ??= this.doLogin(signal).finally(() => (this.loginInFlight = undefined));
    return this.loginInFlight;
  }

  private async doLogin(signal?: AbortSignal): Promise<string> {
    const { device, server, clock, credentials } = this.options;
    const password = await credentials.biotimePassword(device.id);
    if (!password) {
      throw new CredentialsMissingError(
        'biotimePassword',
        `BioTime password for device '${device.id}'`,
        `${capital(setBioTimePasswordHint(device.id))}, then run again.`,
      );
    }
    this.options.redactor?.add(password);
    const key = createHash('sha256').update(`${device.url}\n${device.username}\n${password}`).digest('hex');
    const blocked = this.guard.blocked(key, clock.now());
    if (blocked) throw blocked;

    const path = this.scheme === 'jwt' ? '/jwt-api-token-auth/' : '/api-token-auth/';
    this.options.logger.debug(
      `${server}: logging in as '${device.username}' (${this.scheme === 'jwt' ? 'JWT' : 'general token'})`,
    );
    let res;
    try {
      // Logging in changes nothing on the server, so it may be retried like a read.
      res = await this.options.http.request({
        method: 'POST',
        url: path,
        data: { username: device.username, password },
        retry: 'read',
        signal,
      });
    } catch (e) {
      throw transportError(e, this.options.http.origin);
    }
    if (res.status === 400 || res.status === 401) {
      const err = this.refusedError(detailOf(res.text), res.status);
      this.guard.refuse(key, clock.now(), err);
      this.token = undefined;
      await this.storeToken(undefined);
      throw err;
    }
    const what = `POST ${path}`;
    const schemeHint =
      this.scheme === 'jwt' ? ' If this BioTime has no JWT login, set "authScheme": "token" for the device.' : '';
    if (res.status === 403) {
      if (mentionsLicence(res.text))
        throw new BioTimeError(
          'license',
          `${server} refused the login: the API module is not licensed (HTTP 403).`,
          'Activate the BioTime API licence (BioTime → System → License), then try again.',
          { status: 403 },
        );
      throw new BioTimeError(
        'permission',
        `${server} refused the login for user '${device.username}' (HTTP 403).`,
        'Give the user API access in BioTime.',
        { status: 403 },
      );
    }
    if (res.status === 404 || res.status === 405 || (res.status === 200 && looksLikeHtml(res.text))) {
      throw new BioTimeError(
        'badResponse',
        `${server} has no login endpoint at ${path} (HTTP ${res.status}${looksLikeHtml(res.text) ? ', an HTML page' : ''}) — ${HTML_HINT}`,
        `Check the device URL.${schemeHint}`,
        { status: res.status },
      );
    }
    if (res.status < 200 || res.status >= 300) {
      throw new BioTimeError(
        'http',
        `${server} failed the login (HTTP ${res.status}).`,
        'Retry later; BioTime logs the cause on its server.',
        { status: res.status },
      );
    }
    const token = tokenOf(decodeJson(res.text, server, what));
    if (!token)
      throw new BioTimeError(
        'badResponse',
        `${server} answered the login without a token.`,
        `Check the device URL.${schemeHint}`,
      );
    this.guard.clear(key);
    this.remember(token);
    this.noteReceived(token);
    await this.storeToken(token);
    const exp = jwtExpiry(token);
    this.options.logger.debug(`${server}: logged in${exp ? `; token valid until ${exp.toISOString()}` : ''}`);
    return token;
  }

  private refusedError(detail: string, status: number): BioTimeError {
    const { server, device } = this.options;
    return new BioTimeError(
      'auth',
      `${server} refused the username/password for user '${device.username}'${detail ? ` (${detail})` : ''}.`,
      `Set the BioTime password for device '${device.id}' again (${setBioTimePasswordHint(device.id)}) and check the username "${device.username}". Logins to this server pause for ${Math.round(this.guard.coolDownMs / 1000)} s after a refusal so the account is not locked.`,
      { status },
    );
  }

  private async storeToken(token: string | undefined): Promise<void> {
    try {
      await this.options.credentials.setToken(this.options.device.id, token);
    } catch (e) {
      // Not fatal: the token stays in memory for this run.
      this.options.logger.warn(
        `${this.options.server}: could not store the BioTime token (${errorMessage(e)}); continuing.`,
      );
    }
  }
}

/** `{"token": …}` per the docs; a `data` wrapper or a `key` field are accepted too. */
function tokenOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const inner = isObject(value.data) ? value.data : undefined;
  for (const t of [value.token, inner?.token, value.key]) if (typeof t === 'string' && t.trim()) return t.trim();
  return undefined;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
