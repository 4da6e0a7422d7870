// Renders doctor's findings as a plain-text report (no colour codes: it is pasted into tickets).
import type { Finding, FindingStatus } from './doctor-findings.js';

const LABEL: Record<FindingStatus, string> = { pass: 'PASS', info: 'INFO', warn: 'WARN', fail: 'FAIL' };

export interface ReportHeader {
  tenantId: string;
  clientId: string;
  credential: 'client secret' | 'certificate';
  authorityHost: string;
  graphUrl: string;
  proxy: string;
}

function wrap(text: string, width: number, indent: string, restIndent = indent): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const current = lines.length === 0 ? indent : restIndent;
    if (line !== '' && current.length + line.length + 1 + word.length > width) {
      lines.push(current + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push((lines.length === 0 ? indent : restIndent) + line);
  return lines;
}

export function renderDoctorReport(header: ReportHeader, findings: readonly Finding[], width = 100): string {
  const out: string[] = [
    'mypass doctor',
    `  tenant     ${header.tenantId}`,
    `  app        ${header.clientId} (${header.credential})`,
    `  authority  ${header.authorityHost}`,
    `  Graph      ${header.graphUrl}`,
    `  proxy      ${header.proxy}`,
    '',
  ];
  for (const f of findings) {
    const [first, ...rest] = wrap(f.summary, width, '');
    out.push(`${LABEL[f.status]}  ${first ?? ''}`);
    for (const l of rest) out.push(`      ${l}`);
    for (const d of f.details ?? []) out.push(...wrap(`· ${d}`, width, '      ', '        '));
    if (f.fix !== undefined && (f.status === 'warn' || f.status === 'fail')) {
      // A fix's first line is prose; any lines after it are a block to paste (YAML), kept as they are.
      const [prose = '', ...block] = f.fix.split('\n');
      out.push(...wrap(`fix: ${prose}`, width, '      ', '           '));
      for (const l of block) out.push(`        ${l}`);
    }
  }
  const count = (s: FindingStatus) => findings.filter((f) => f.status === s).length;
  const failed = count('fail');
  out.push(
    '',
    `${count('pass')} passed, ${count('warn')} warning${count('warn') === 1 ? '' : 's'}, ${failed} failed${failed > 0 ? ' — MyPass cannot work until the failures are fixed' : ''}.`,
  );
  return `${out.join('\n')}\n`;
}
