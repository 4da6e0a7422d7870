// Static checks over kiosk/src that back the lint rule with facts a reviewer can read in one place:
// which files import electron at run time, and that shell.openExternal and file: are never reachable.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.resolve(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

const files = sources(src).map((file) => ({
  name: path.relative(src, file).split(path.sep).join('/'),
  text: readFileSync(file, 'utf8'),
}));
const runtimeElectronImport =
  /^\s*import\s+(?!type\b)[^;]*from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/m;

describe('kiosk process boundaries', () => {
  it('imports electron at run time in exactly the two composition roots', () => {
    const importing = files
      .filter((f) => runtimeElectronImport.test(f.text))
      .map((f) => f.name)
      .sort();
    expect(importing).toEqual(['main/electron-main.ts', 'preload/preload.ts']);
  });

  it('never names shell or openExternal, so no code path can open a URL or file in the OS', () => {
    for (const file of files.filter((f) => f.name.startsWith('main/') || f.name.startsWith('preload/'))) {
      expect(file.text, file.name).not.toMatch(/\bopenExternal\b|\bopenPath\b|\bshowItemInFolder\b/);
      const electronImports = file.text.match(/import[^;]*from\s+['"]electron['"]/g) ?? [];
      for (const statement of electronImports) expect(statement, file.name).not.toMatch(/\b(shell|dialog)\b/);
      expect(file.text, file.name).not.toMatch(/\b(shell|dialog)\.(open|show)/);
    }
  });

  it('the preload exposes one global and nothing of Node or Electron', () => {
    const preload = files.find((f) => f.name === 'preload/preload.ts')?.text ?? '';
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toMatch(/exposeInMainWorld\(bridgeGlobalName, createKioskBridge\(ipcRenderer\)\)/);
  });

  it('loads no file: URL anywhere (the app is served over app://)', () => {
    for (const file of files) {
      expect(file.text.replace(/protocol\.handle\('file'/g, ''), file.name).not.toMatch(/['"`]file:/);
      expect(file.text, file.name).not.toMatch(/\bloadFile\(/);
    }
  });

  it('the renderer side imports no Node built-in and no electron', () => {
    for (const file of files.filter((f) => /^(renderer|web|electron-renderer)\//.test(f.name))) {
      expect(file.text, file.name).not.toMatch(
        /from\s+['"](node:[a-z_/]+|electron|fs|path|child_process|os|net)['"]/,
      );
    }
  });
});
