// Keys for what the store must never hold in clear text (threat-model.md T8): code HMACs, lookup
// hashes of identifiers and destinations, and the sealing of destinations and outbox payloads. Keys
// come from configuration as a list, newest first: the newest signs and encrypts, every key verifies
// and decrypts, so a key is rotated by adding a new one last on every node, then moving it first,
// re-sealing with it (`mypass keys reseal`), and dropping the old one once `mypass keys status`
// says nothing uses it (its codes live 10 minutes).
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { boundedMemo } from '@mypass/flows/bounded-memo';

export interface CodeKeyConfig {
  id: string;
  secret: string;
}

export interface CodeHmac {
  keyId: string;
  /** HMAC-SHA256, hex. */
  hmac: string;
}

export interface CodeKeyring {
  /** The id of the key that signs now (the first in the configured list). */
  readonly currentKeyId: string;
  /**
   * HMAC of a code bound to its flow and method; a flow's user never changes, so this binds the
   * user too (LTB Self Service Password #520, PWM #556: codes not bound to their user).
   */
  codeHmac(code: string, flowId: string, methodId: string): CodeHmac;
  /** Constant-time check against a stored HMAC made with `keyId`; an unknown key id never matches. */
  verifyCode(code: string, flowId: string, methodId: string, stored: CodeHmac): boolean;
  /**
   * A keyed hash for look-ups (normalized identifiers, destinations): low-entropy values such as
   * phone numbers would be reversible from a bare SHA-256. Made with the current key, so a
   * rotation starts fresh counting windows (at most 24 h of budgets), which is acceptable.
   */
  lookupHash(kind: string, value: string): string;
  /** The lookup hash under every configured key, current first: rows keyed before a rotation too. */
  lookupHashes(kind: string, value: string): string[];
  /** AES-256-GCM with the current key; the output names its key id. */
  encrypt(plaintext: string): string;
  /** Undefined when the key is unknown or the ciphertext was altered. */
  decrypt(sealed: string): string | undefined;
}

interface DerivedKey {
  id: string;
  code: Buffer;
  lookup: Buffer;
  seal: Buffer;
}

const SEAL_VERSION = 'v1';
/** Sealed values up to this length are remembered once opened (flows' methods and context). */
const memoizedSealMax = 4096;

function derive(secret: string, purpose: string): Buffer {
  // HKDF keeps the three uses apart even though they share one configured secret.
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'mypass-store', purpose, 32));
}

export class KeyringError extends Error {
  readonly code = 'keyring_invalid';
}

export function createCodeKeyring(keys: readonly CodeKeyConfig[]): CodeKeyring {
  if (keys.length === 0) throw new KeyringError('the code keyring needs at least one key');
  const seen = new Set<string>();
  const derived: DerivedKey[] = keys.map((k) => {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) throw new KeyringError(`invalid key id "${k.id}"`);
    if (seen.has(k.id)) throw new KeyringError(`duplicate key id "${k.id}"`);
    if (k.secret.length < 32) throw new KeyringError(`key "${k.id}" is shorter than 32 characters`);
    seen.add(k.id);
    return {
      id: k.id,
      code: derive(k.secret, 'code-hmac'),
      lookup: derive(k.secret, 'lookup'),
      seal: derive(k.secret, 'outbox-aes-256-gcm'),
    };
  });
  const byId = new Map(derived.map((k) => [k.id, k]));
  const current = derived[0] as DerivedKey;

  const lookup = (key: Buffer, kind: string, value: string): string =>
    createHmac('sha256', key).update(`${kind}\u0000${value}`).digest('hex');
  const mac = (key: Buffer, code: string, flowId: string, methodId: string): Buffer =>
    // A JSON array is an unambiguous encoding: no two (flow, method, code) triples share an input.
    createHmac('sha256', key)
      .update(JSON.stringify(['code.v1', flowId, methodId, code]))
      .digest();

  const open = (sealed: string): string | undefined => {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== SEAL_VERSION) return undefined;
    const [, keyId, iv, body, tag] = parts as [string, string, string, string, string];
    const key = byId.get(keyId);
    if (!key) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.seal, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(`${SEAL_VERSION}.${keyId}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return undefined;
    }
  };
  // A flow's sealed methods and context are read on every request of the flow, and deciphering
  // was about 5 % of the API's CPU in the bench. The same ciphertext always opens to the same text
  // under this keyring, so recent results are kept; only short values (not outbox payloads).
  const openMemo = boundedMemo(512, open);

  return {
    currentKeyId: current.id,
    codeHmac(code, flowId, methodId) {
      return { keyId: current.id, hmac: mac(current.code, code, flowId, methodId).toString('hex') };
    },
    verifyCode(code, flowId, methodId, stored) {
      const key = byId.get(stored.keyId);
      const expected = Buffer.from(stored.hmac, 'hex');
      const actual = mac(key?.code ?? current.code, code, flowId, methodId);
      // Compare even for an unknown key so timing does not tell key ids apart.
      const equal = expected.length === actual.length && timingSafeEqual(expected, actual);
      return key !== undefined && equal;
    },
    lookupHash(kind, value) {
      return lookup(current.lookup, kind, value);
    },
    lookupHashes(kind, value) {
      return derived.map((k) => lookup(k.lookup, kind, value));
    },
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.seal, iv);
      cipher.setAAD(Buffer.from(`${SEAL_VERSION}.${current.id}`));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        SEAL_VERSION,
        current.id,
        iv.toString('base64url'),
        body.toString('base64url'),
        tag.toString('base64url'),
      ].join('.');
    },
    decrypt(sealed) {
      return sealed.length <= memoizedSealMax ? openMemo(sealed) : open(sealed);
    },
  };
}
