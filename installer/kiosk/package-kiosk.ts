// Builds the kiosk's Windows x64 package: bundle (bundle-kiosk.ts), then electron-builder with the
// fuses flipped in afterPack. `--test-build` makes the Playwright flavour (inspector fuse on, debug
// switches accepted) and must never be shipped. Needs Node >= 22.12 (electron-builder 26's
// @electron/rebuild) and a Windows host or Wine for signing; see kiosk/README.md.
import { Arch, Platform, build } from 'electron-builder';
import path from 'node:path';
import { bundleKiosk } from './bundle-kiosk.js';
import { kioskBuilderConfig } from './electron-builder.config.js';

const testBuild = process.argv.includes('--test-build');
const kioskDir = path.resolve(import.meta.dirname, '../../kiosk');

await bundleKiosk({ testBuild });
const outputs = await build({
  projectDir: kioskDir,
  targets: Platform.WINDOWS.createTarget('nsis', Arch.x64),
  config: kioskBuilderConfig({ allowInspect: testBuild }),
  publish: 'never',
});
console.log(outputs.join('\n'));
