// Flips the kiosk's fuses in a synthetic fuse wire (the sentinel and the fuse bytes Electron embeds in
// its executable) with @electron/fuses, then reads the wire back: the same code path packaging runs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { flipKioskFuses, kioskFuseConfig } from '../../../installer/kiosk/release-fuses.js';
import { electronVersion, kioskBuilderConfig } from '../../../installer/kiosk/electron-builder.config.js';

const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const [disable, enable] = [0x30, 0x31];
const dir = mkdtempSync(path.join(tmpdir(), 'mypass-fuses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake executable: padding, the sentinel, wire version 1, the wire length, the fuses, padding. */
function syntheticBinary(name: string, fuseCount: number, initial = enable): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.from('MZ fake electron executable'),
      Buffer.from(sentinel, 'ascii'),
      Buffer.from([0x01, fuseCount]),
      Buffer.alloc(fuseCount, initial),
      Buffer.from('trailing bytes'),
    ]),
  );
  return file;
}

function wireOf(file: string): number[] {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(sentinel) + sentinel.length;
  return [...bytes.subarray(at + 2, at + 2 + (bytes[at + 1] ?? 0))];
}

describe('kiosk fuses', () => {
  it('release: every fuse set as the threat model asks, read back through @electron/fuses', async () => {
    const exe = syntheticBinary('release.exe', 8);
    await flipKioskFuses(exe);
    const wire = await getCurrentFuseWire(exe);
    expect(wire[FuseV1Options.RunAsNode]).toBe(disable);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(enable);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(disable);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(disable);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(enable);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(enable);
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(disable);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(disable);
    expect(wireOf(exe)).toEqual([disable, enable, disable, disable, enable, enable, disable, disable]);
  });

  it('the Playwright test build differs only in the inspector fuse', async () => {
    const exe = syntheticBinary('test-build.exe', 8, disable);
    await flipKioskFuses(exe, { allowInspect: true });
    expect(wireOf(exe)).toEqual([disable, enable, disable, enable, enable, enable, disable, disable]);
  });

  it('refuses an Electron whose wire has a fuse this config does not set (strictlyRequireAllFuses)', async () => {
    const exe = syntheticBinary('newer-electron.exe', 9);
    const before = readFileSync(exe);
    await expect(flipKioskFuses(exe)).rejects.toThrow(/strictlyRequireAllFuses/);
    expect(readFileSync(exe)).toEqual(before);
  });

  it('sets every fuse @electron/fuses knows, explicitly', () => {
    const config = kioskFuseConfig();
    expect(config.strictlyRequireAllFuses).toBe(true);
    const known = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
    for (const fuse of known)
      expect(typeof (config as Record<number, unknown>)[fuse], FuseV1Options[fuse]).toBe('boolean');
  });

  it('pins the same Electron as kiosk/package.json and @electron/fuses 1.8.0 (an 8-fuse wire)', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies.electron).toBe(electronVersion);
    expect(pkg.devDependencies['@electron/fuses']).toBe('1.8.0');
  });
});

describe('electron-builder configuration', () => {
  const config = kioskBuilderConfig();
  it('packages Windows x64 as asar, with nothing but the bundle', () => {
    expect(config.asar).toBe(true);
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.files).toEqual(
      expect.arrayContaining(['dist/electron/**', '!node_modules/**', '!**/*.map']),
    );
    expect(config.extraMetadata).toMatchObject({ main: 'dist/electron/main.cjs' });
    expect(typeof config.afterPack).toBe('function');
  });
  it('flips the fuses in afterPack, on the packed executable', async () => {
    const exe = syntheticBinary('MyPass Kiosk.exe', 8);
    const afterPack = config.afterPack as (context: unknown) => Promise<void>;
    await afterPack({
      electronPlatformName: 'win32',
      appOutDir: dir,
      packager: { appInfo: { productFilename: 'MyPass Kiosk' } },
    });
    expect(wireOf(exe)[FuseV1Options.EnableNodeCliInspectArguments]).toBe(disable);
    await expect(
      afterPack({
        electronPlatformName: 'linux',
        appOutDir: dir,
        packager: { appInfo: { productFilename: 'x' } },
      }),
    ).rejects.toThrow();
  });
});
