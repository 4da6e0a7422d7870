// Runs a command with NODE_EXTRA_CA_CERTS naming the test CA, creating the CA on first use.
// Node reads that variable only at process start, so the test runner must be started through this.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCertificateAuthority, type KeyAndCertificate } from './ca.js';

export const testCaDir = resolve(import.meta.dirname, '../../../.cache/test-ca');

export function loadOrCreateTestCa(dir = testCaDir): KeyAndCertificate & { certPath: string } {
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca-key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ca = createCertificateAuthority();
    writeFileSync(keyPath, ca.keyPem, { mode: 0o600 });
    writeFileSync(certPath, ca.certPem);
  }
  return { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8'), certPath };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: with-test-ca <command> [args...]');
    process.exit(2);
  }
  const ca = loadOrCreateTestCa();
  const child = spawn(command, args, {
    stdio: 'inherit',
    shell: false,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.certPath, MYPASS_TEST_CA_DIR: testCaDir },
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
