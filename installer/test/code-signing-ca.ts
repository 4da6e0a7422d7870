// A throwaway code-signing PKI for the signing tests: a root and a signer certificate with the
// codeSigning extended key usage, written as the files a build is given (PEM chain + key, PKCS#12).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';

export interface CodeSigningFiles {
  /** The root alone: what `osslsigncode verify -CAfile` trusts. */
  readonly rootPem: string;
  /** Signer certificate then root (osslsigncode embeds the chain it is given). */
  readonly chainPem: string;
  readonly keyPem: string;
  /** The same key encrypted with `password` (PKCS#8). */
  readonly encryptedKeyPem: string;
  /** Signer key, certificate and root in a PKCS#12 file protected by `password`. */
  readonly pkcs12: string;
  readonly password: string;
}

function rsaKey(): {
  publicKey: forge.pki.rsa.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  keyPem: string;
} {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    publicKey: forge.pki.publicKeyFromPem(publicPem),
    privateKey: forge.pki.privateKeyFromPem(keyPem),
    keyPem,
  };
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function certificate(
  subject: string,
  publicKey: forge.pki.rsa.PublicKey,
  issuer: { name: string; key: forge.pki.rsa.PrivateKey },
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 7 * 24 * 3600_000);
  cert.setSubject([
    { name: 'commonName', value: subject },
    { name: 'organizationName', value: 'MyPass test' },
  ]);
  cert.setIssuer([
    { name: 'commonName', value: issuer.name },
    { name: 'organizationName', value: 'MyPass test' },
  ]);
  cert.setExtensions(extensions);
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}

/** Creates a root and a code-signing certificate under `dir` (files named after `name`). */
export async function createCodeSigningPki(dir: string, name: string): Promise<CodeSigningFiles> {
  const rootName = `${name} test root`;
  const root = rsaKey();
  const rootCert = certificate(rootName, root.publicKey, { name: rootName, key: root.privateKey }, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const signer = rsaKey();
  const signerCert = certificate(
    `${name} code signing`,
    signer.publicKey,
    { name: rootName, key: root.privateKey },
    [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', codeSigning: true },
    ],
  );
  const password = randomBytes(12).toString('base64url');
  const rootPem = forge.pki.certificateToPem(rootCert);
  const chainPem = forge.pki.certificateToPem(signerCert) + rootPem;
  const encryptedKeyPem = forge.pki.encryptRsaPrivateKey(signer.privateKey, password, {
    algorithm: 'aes256',
  });
  const p12 = forge.pkcs12.toPkcs12Asn1(signer.privateKey, [signerCert, rootCert], password, {
    algorithm: '3des',
    generateLocalKeyId: true,
    friendlyName: `${name} code signing`,
  });

  const file = (suffix: string): string => path.join(dir, `${name}-${suffix}`);
  const files: CodeSigningFiles = {
    rootPem: file('root.pem'),
    chainPem: file('chain.pem'),
    keyPem: file('key.pem'),
    encryptedKeyPem: file('key-encrypted.pem'),
    pkcs12: file('signer.p12'),
    password,
  };
  await writeFile(files.rootPem, rootPem);
  await writeFile(files.chainPem, chainPem);
  await writeFile(files.keyPem, signer.keyPem, { mode: 0o600 });
  await writeFile(files.encryptedKeyPem, encryptedKeyPem, { mode: 0o600 });
  await writeFile(files.pkcs12, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'), { mode: 0o600 });
  return files;
}
