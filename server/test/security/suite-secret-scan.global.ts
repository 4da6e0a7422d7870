// The run's end: scan every log line and audit row the suite's test apps wrote for every secret any
// test handled (suite-secret-scan.ts). A leak fails the run (exit code 1) and names the files, never
// the secret. A vitest project runs its own copy with its own folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { configuredSecrets } from './secrets-scan.js';
import { findLeaks, readOutputs } from './suite-secret-scan.js';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'mypass-secret-scan-'));
  project.provide('secretScanDir', dir);
  return () => {
    try {
      const outputs = readOutputs(dir);
      const leaks = findLeaks(outputs, configuredSecrets);
      const lines = outputs.reduce((n, o) => n + o.logLines.length + o.auditRows.length, 0);
      if (leaks.length > 0) {
        console.error(
          `Secret scan (${project.name}): ${leaks.length} leak(s) in the suite's logs and audit rows:`,
        );
        for (const leak of leaks) console.error(`  ${leak.file}: a ${leak.what} handled by ${leak.from}`);
        process.exitCode = 1;
      } else if (outputs.length > 0) {
        console.log(
          `Secret scan (${project.name || 'tests'}): ${lines} log lines and audit rows from ${outputs.length} files, no secret found.`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
