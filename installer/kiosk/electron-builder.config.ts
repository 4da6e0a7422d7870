// electron-builder configuration for the Windows x64 kiosk package. Run through package-kiosk.ts
// (it bundles first, then calls electron-builder with this object). Paths are relative to kiosk/.
import path from 'node:path';
import type { AfterPackContext, Configuration } from 'electron-builder';
import { flipKioskFuses, type FuseFlavor } from './release-fuses.js';

/** Must equal kiosk/package.json's devDependency (a test checks): the fuse wire depends on it. */
export const electronVersion = '39.8.9';

export function kioskBuilderConfig(flavor: FuseFlavor = { allowInspect: false }): Configuration {
  return {
    appId: 'org.mypass.kiosk',
    productName: 'MyPass Kiosk',
    executableName: 'MyPassKiosk',
    electronVersion,
    directories: { app: '.', output: '../artifacts/kiosk' },
    // Everything the app runs is bundled into dist/electron (main.cjs, preload.cjs, renderer/):
    // no node_modules, no sources, no source maps in the package.
    files: ['dist/electron/**', 'package.json', '!**/*.map', '!node_modules/**', '!src/**', '!test/**'],
    asar: true,
    asarUnpack: [],
    npmRebuild: false,
    nodeGypRebuild: false,
    buildDependenciesFromSource: false,
    includePdb: false,
    extraMetadata: { main: 'dist/electron/main.cjs', type: 'commonjs' },
    // The native pipe-identity helper (credential-provider issue) ships beside the executable.
    extraFiles: [
      { from: '../native-bridge/dist/mypass-pipe-check.exe', to: 'mypass-pipe-check.exe', filter: ['**/*'] },
    ],
    win: {
      target: [{ target: 'nsis', arch: ['x64'] }],
      // Code signing: set WIN_CSC_LINK / WIN_CSC_KEY_PASSWORD (or azureSignOptions) in the build
      // environment; kiosk/README.md "Kiosk shell: building the signed package" says how.
      signtoolOptions: {
        signingHashAlgorithms: ['sha256'],
        rfc3161TimeStampServer: 'http://timestamp.digicert.com',
      },
      requestedExecutionLevel: 'asInvoker',
    },
    nsis: {
      oneClick: true,
      perMachine: true,
      allowElevation: true,
      runAfterFinish: false,
      createDesktopShortcut: false,
      createStartMenuShortcut: false,
      deleteAppDataOnUninstall: true,
    },
    // Fuses are flipped after packing and before signing, so the signature covers them.
    afterPack: async (context: AfterPackContext) => {
      if (context.electronPlatformName !== 'win32') throw new Error('The kiosk is packaged for Windows only');
      const exe = path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.exe`);
      await flipKioskFuses(exe, flavor);
    },
  };
}
