// Every test file: after its tests, hand what its test apps wrote (captured-output.ts) and the secrets
// they handled to the whole-suite scan (suite-secret-scan.ts). Files without a test app add nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, expect, inject } from 'vitest';
import { captured } from '../app/captured-output.js';
import type { FileOutput } from './suite-secret-scan.js';

declare module 'vitest' {
  export interface ProvidedContext {
    secretScanDir: string;
  }
}

afterAll(() => {
  if (captured.logLines.length + captured.auditRows.length === 0) return;
  const output: FileOutput = {
    file: expect.getState().testPath ?? 'unknown',
    logLines: captured.logLines,
    auditRows: captured.auditRows,
    secrets: [...captured.secrets],
  };
  writeFileSync(join(inject('secretScanDir'), `${randomUUID()}.json`), JSON.stringify(output));
});
