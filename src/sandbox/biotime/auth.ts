import { randomBytes } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../common/httpServer';
import { signJwt, verifyJwt } from './jwt';

export interface BioTimeUser {
  id: number;
  username: string;
  password: string;
}

export type AuthResult = { user: BioTimeUser } | { response: SandboxResponse };

// DRF returns 401 (not 403) because the first authenticator advertises a challenge.
function unauthorized(detail: string): { response: SandboxResponse } {
  return { response: { status: 401, headers: { 'WWW-Authenticate': 'JWT realm="api"' }, body: { detail } } };
}

function badRequest(body: object): SandboxResponse {
  return { status: 400, body };
}

function readCredentials(req: SandboxRequest): { username: unknown; password: unknown } | SandboxResponse {
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(req.text());
    return { username: form.get('username') ?? undefined, password: form.get('password') ?? undefined };
  }
  try {
    const data = req.json();
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      return badRequest({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
    }
    const record = data as Record<string, unknown>;
    return { username: record.username, password: record.password };
  } catch (err) {
    return badRequest({ detail: `JSON parse error - ${err instanceof Error ? err.message : String(err)}` });
  }
}

function fieldErrors(fields: Record<string, unknown>): Record<string, string[]> | undefined {
  const errors: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) errors[name] = ['This field is required.'];
    else if (String(value) === '') errors[name] = ['This field may not be blank.'];
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/**
 * Both BioTime login schemes: drf-jwt JWTs (`Authorization: JWT …`, HS256 with `exp`) and DRF general
 * tokens (`Authorization: Token <40 hex>`, never expire, one key per user reused on every login).
 */
export class BioTimeAuth {
  private readonly users = new Map<string, BioTimeUser>();
  private jwtSecret = randomBytes(32);
  private readonly keyToUser = new Map<string, number>();
  private readonly userToKey = new Map<number, string>();
  // Serial per issued JWT signature, so expireTokensAfter() can expire exactly the tokens issued so far.
  private readonly jwtSerials = new Map<string, number>();
  private nextSerial = 1;
  private expiredBelowSerial = 0;
  private expireCountdown: number | undefined;

  constructor(
    users: Array<{ username: string; password: string }>,
    private readonly now: () => Date,
    private readonly jwtLifetimeSeconds: number,
  ) {
    users.forEach((user, index) => this.users.set(user.username, { id: index + 1, ...user }));
  }

  setPassword(username: string, password: string): void {
    const user = this.users.get(username);
    if (user) user.password = password;
    else this.users.set(username, { id: this.users.size + 1, username, password });
  }

  /** Deletes every general token and rotates the JWT signing key (old JWTs → "Error decoding signature."). */
  revokeTokens(): void {
    this.keyToUser.clear();
    this.userToKey.clear();
    this.jwtSerials.clear();
    this.jwtSecret = randomBytes(32);
  }

  /** After `requests` more authenticated API requests, every token issued so far stops working. */
  expireTokensAfter(requests: number): void {
    this.expireCountdown = requests;
    if (requests <= 0) this.expireIssuedTokens();
  }

  login(scheme: 'jwt' | 'token', req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST') return { status: 405, body: { detail: `Method "${req.method}" not allowed.` } };
    const credentials = readCredentials(req);
    if ('status' in credentials) return credentials;
    const missing = fieldErrors(credentials);
    if (missing) return badRequest(missing);
    const user = this.users.get(String(credentials.username));
    if (!user || user.password !== String(credentials.password)) {
      return badRequest({ non_field_errors: ['Unable to log in with provided credentials.'] });
    }
    return { status: 200, body: { token: scheme === 'jwt' ? this.issueJwt(user) : this.generalKey(user) } };
  }

  authenticate(req: SandboxRequest): AuthResult {
    const header = req.headers.authorization;
    const parts = typeof header === 'string' ? header.trim().split(/\s+/).filter(Boolean) : [];
    const scheme = parts[0]?.toLowerCase();
    let result: AuthResult;
    if (scheme === 'jwt') result = this.checkJwt(parts);
    else if (scheme === 'token') result = this.checkKey(parts);
    else result = unauthorized('Authentication credentials were not provided.');
    if ('user' in result) this.countAuthenticated();
    return result;
  }

  private issueJwt(user: BioTimeUser): string {
    const iat = Math.floor(this.now().getTime() / 1000);
    const payload = {
      user_id: user.id,
      username: user.username,
      email: '',
      exp: iat + this.jwtLifetimeSeconds,
      orig_iat: iat,
    };
    const token = signJwt(payload, this.jwtSecret);
    this.jwtSerials.set(token.slice(token.lastIndexOf('.') + 1), this.nextSerial++);
    return token;
  }

  private generalKey(user: BioTimeUser): string {
    let key = this.userToKey.get(user.id);
    if (!key) {
      key = randomBytes(20).toString('hex');
      this.userToKey.set(user.id, key);
      this.keyToUser.set(key, user.id);
    }
    return key;
  }

  private userById(id: unknown): BioTimeUser | undefined {
    for (const user of this.users.values()) if (user.id === id) return user;
    return undefined;
  }

  private checkJwt(parts: string[]): AuthResult {
    if (parts.length === 1) return unauthorized('Invalid Authorization header. No credentials provided.');
    if (parts.length > 2)
      return unauthorized('Invalid Authorization header. Credentials string should not contain spaces.');
    const check = verifyJwt(parts[1], this.jwtSecret, Math.floor(this.now().getTime() / 1000));
    if (!check.ok)
      return unauthorized(check.reason === 'expired' ? 'Signature has expired.' : 'Error decoding signature.');
    const serial = this.jwtSerials.get(parts[1].slice(parts[1].lastIndexOf('.') + 1)) ?? 0;
    if (serial < this.expiredBelowSerial) return unauthorized('Signature has expired.');
    const user = this.userById(check.payload.user_id);
    return user ? { user } : unauthorized('Invalid signature.');
  }

  private checkKey(parts: string[]): AuthResult {
    if (parts.length === 1) return unauthorized('Invalid token header. No credentials provided.');
    if (parts.length > 2) return unauthorized('Invalid token header. Token string should not contain spaces.');
    const user = this.userById(this.keyToUser.get(parts[1]));
    return user ? { user } : unauthorized('Invalid token.');
  }

  private countAuthenticated(): void {
    if (this.expireCountdown === undefined) return;
    this.expireCountdown--;
    if (this.expireCountdown <= 0) this.expireIssuedTokens();
  }

  // JWTs issued so far read as expired; general tokens are deleted ("Invalid token."), as DRF has no expiry.
  private expireIssuedTokens(): void {
    this.expireCountdown = undefined;
    this.expiredBelowSerial = this.nextSerial;
    this.keyToUser.clear();
    this.userToKey.clear();
  }
}
