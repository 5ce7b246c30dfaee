import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims djangorestframework-jwt puts in a token (BioTime is a DRF application). */
export interface JwtPayload {
  user_id: number;
  username: string;
  email: string;
  exp: number;
  orig_iat: number;
}

export type JwtCheck = { ok: true; payload: JwtPayload } | { ok: false; reason: 'decode' | 'expired' };

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function hmac(input: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

export function signJwt(payload: JwtPayload, secret: Buffer): string {
  const head = base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
  const body = base64url(JSON.stringify(payload));
  return `${head}.${body}.${base64url(hmac(`${head}.${body}`, secret))}`;
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies like PyJWT: structure and signature first (any failure is a DecodeError, which drf-jwt reports
 * as "Error decoding signature."), then `exp` (expired when exp < now, i.e. the exp second itself is valid).
 */
export function verifyJwt(token: string, secret: Buffer, nowSeconds: number): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part)))
    return { ok: false, reason: 'decode' };
  const [head, body, signature] = parts;
  const header = decodeJson(head);
  const payload = decodeJson(body);
  if (!header || header.alg !== 'HS256' || !payload) return { ok: false, reason: 'decode' };
  const expected = hmac(`${head}.${body}`, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'decode' };
  if (typeof payload.exp === 'number' && payload.exp < nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, payload: payload as unknown as JwtPayload };
}
