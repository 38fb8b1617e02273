import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function randomId(length: number): string {
  // 62 does not divide 256; rejecting bytes >= 248 keeps every character equally likely.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export const newExecutionId = (): string => `ex_${randomId(20)}`;
/** Like API Gateway's: 16 characters, opaque. */
export const newConnectionId = (): string => randomId(16);
/** The owner's secret for `resume`; only its hash is stored. */
export const newToken = (): string => randomBytes(24).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function tokenMatches(token: string, storedHash: string | undefined): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A share id is the content's address: the same program always gets the same short id. */
export function snippetIdFor(language: string, code: string, stdin = ''): string {
  const digest = createHash('sha256').update(`${language}\0${code}\0${stdin}`).digest();
  let n = BigInt(`0x${digest.subarray(0, 8).toString('hex')}`);
  let out = '';
  for (let i = 0; i < 10; i++) {
    out += ALPHABET[Number(n % 62n)];
    n /= 62n;
  }
  return out;
}
