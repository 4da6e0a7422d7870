import { describe, expect, it } from 'vitest';
import { findLeaks, type FileOutput } from './suite-secret-scan.js';

const file = (name: string, logLines: string[], secrets: string[] = []): FileOutput => ({
  file: name,
  logLines,
  auditRows: [],
  secrets,
});

describe('the whole-suite secret scan', () => {
  const token = 'eSBitmPhO26rQPqGE2YfoHnMrZgXVlhFyCAMsT4A9fQ';

  it('finds a token handled by one file in the output of another, and names files, never the secret', () => {
    const leaks = findLeaks(
      [
        file('a.test.ts', ['{"msg":"flow started"}'], [token]),
        file('b.test.ts', [`{"auth":"Bearer ${token}"}`]),
      ],
      [],
    );
    expect(leaks).toEqual([{ file: 'b.test.ts', from: 'a.test.ts', what: 'secret of 43 characters' }]);
    expect(JSON.stringify(leaks)).not.toContain(token);
  });

  it('finds a code as a whole number in its own file, not inside ids, times or other files', () => {
    const own = file('a.test.ts', ['{"msg":"sent","code":"482913"}'], ['482913', '771204']);
    const other = file('b.test.ts', ['{"port":482913}']);
    const inside = file('c.test.ts', ['{"id":"f_771204x","at":"12:00:00.771204"}'], ['771204']);
    expect(findLeaks([own, other, inside], []).map((l) => [l.file, l.what])).toEqual([
      ['a.test.ts', 'code of 6 characters'],
    ]);
  });

  it('finds the configured keys anywhere, and passes clean output', () => {
    const key = 'test-code-key-0123456789abcdef0123456789';
    expect(findLeaks([file('a.test.ts', [`key=${key}`])], [key])).toHaveLength(1);
    expect(findLeaks([file('a.test.ts', ['{"msg":"ok"}'], [token])], [key])).toEqual([]);
  });
});
