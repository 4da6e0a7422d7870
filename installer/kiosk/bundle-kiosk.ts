// Bundles the kiosk for Electron into kiosk/dist/electron: main.cjs and preload.cjs with esbuild
// (a sandboxed preload must be one CommonJS file), the renderer with Vite. The test build flavour is
// a compile-time constant, so a release bundle has no code path that accepts debug switches.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const kioskDir = path.resolve(import.meta.dirname, '../../kiosk');
const outDir = path.join(kioskDir, 'dist', 'electron');

export async function bundleKiosk(options: { testBuild: boolean }): Promise<void> {
  const common = {
    bundle: true,
    format: 'cjs' as const,
    external: ['electron'],
    conditions: ['development'],
    sourcemap: false,
    minify: false,
    legalComments: 'none' as const,
    define: { 'process.env.MYPASS_KIOSK_TEST_BUILD': options.testBuild ? '"1"' : '"0"' },
    logLevel: 'warning' as const,
  };
  await esbuild({
    ...common,
    entryPoints: [path.join(kioskDir, 'src/main/electron-main.ts')],
    outfile: path.join(outDir, 'main.cjs'),
    platform: 'node',
    target: 'node22',
  });
  await esbuild({
    ...common,
    entryPoints: [path.join(kioskDir, 'src/preload/preload.ts')],
    outfile: path.join(outDir, 'preload.cjs'),
    platform: 'browser',
    target: 'chrome130',
  });
  await viteBuild({ configFile: path.join(kioskDir, 'vite.electron.config.ts'), logLevel: 'warn' });
  // Lets `electron kiosk/dist/electron` start the bundle directly (Playwright, development).
  await writeFile(
    path.join(outDir, 'package.json'),
    `${JSON.stringify({ name: 'mypass-kiosk', version: '0.1.0', private: true, main: 'main.cjs', type: 'commonjs' }, null, 2)}\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  await bundleKiosk({ testBuild: process.argv.includes('--test-build') });
}
