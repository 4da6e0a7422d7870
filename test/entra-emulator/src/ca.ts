// A throwaway certificate authority for the emulator's HTTPS origin. The API trusts it the
// production way, through NODE_EXTRA_CA_CERTS, which Node reads only at process start.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface KeyAndCertificate {
  certPem: string;
  keyPem: string;
}

function newRsaKey(): {
  forgePublic: forge.pki.rsa.PublicKey;
  forgePrivate: forge.pki.rsa.PrivateKey;
  keyPem: string;
} {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    forgePublic: forge.pki.publicKeyFromPem(publicPem),
    forgePrivate: forge.pki.privateKeyFromPem(keyPem),
    keyPem,
  };
}

function serial(): string {
  // Positive, non-zero 16-byte serial (top bit cleared).
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

export function createCertificateAuthority(
  commonName = 'MyPass test CA (Entra ID emulator)',
): KeyAndCertificate {
  const key = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forgePrivate, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.keyPem };
}

/** A server certificate for 127.0.0.1/localhost (and any extra names), signed by the CA. */
export function issueServerCertificate(
  ca: KeyAndCertificate,
  names: { dns?: string[]; ips?: string[] } = {},
): KeyAndCertificate {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const key = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 30 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
  cert.setIssuer(caCert.subject.attributes);
  const dns = ['localhost', ...(names.dns ?? [])];
  const ips = ['127.0.0.1', ...(names.ips ?? [])];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...dns.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))],
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.keyPem };
}

/** A self-signed client certificate, as an app registration's "certificate" credential. */
export function createClientCertificate(
  commonName: string,
  validDays = 365,
): KeyAndCertificate & { thumbprintSha1: string; thumbprintSha256: string } {
  const key = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + validDays * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(key.forgePrivate, forge.md.sha256.create());
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  const sha1 = forge.md.sha1.create().update(der).digest().toHex().toUpperCase();
  const sha256 = forge.md.sha256.create().update(der).digest().toHex().toUpperCase();
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: key.keyPem,
    thumbprintSha1: sha1,
    thumbprintSha256: sha256,
  };
}
