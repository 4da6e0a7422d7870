// Electron fuses for the kiosk (threat-model.md T7; Electron's "fuses" documentation). Flipped in the
// packaged binary before it is signed, so nothing at run time (argv, NODE_OPTIONS, a swapped app
// folder) can turn them back on. `strictlyRequireAllFuses` makes packaging fail when an Electron
// upgrade adds a fuse this list does not set (e.g. WasmTrapHandlers from Electron 41 onwards).
//
// Pinned pair: electron 39.8.9 (8-fuse wire) with @electron/fuses 1.8.0 (knows those 8). Moving to
// an Electron with a 9th fuse needs @electron/fuses 2.x, which needs Node >= 22.12 (kiosk/README.md).
import { FuseV1Options, FuseVersion, flipFuses, type FuseV1Config } from '@electron/fuses';

export interface FuseFlavor {
  /** The Playwright test build only: lets `_electron.launch` attach its inspector. Never in release. */
  readonly allowInspect: boolean;
}

export function kioskFuseConfig(flavor: FuseFlavor = { allowInspect: false }): FuseV1Config {
  return {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // ELECTRON_RUN_AS_NODE would turn the signed kiosk into a plain Node.js interpreter.
    [FuseV1Options.RunAsNode]: false,
    // Cookies on disk are encrypted with an OS-protected key (the profile is also wiped, T11).
    [FuseV1Options.EnableCookieEncryption]: true,
    // NODE_OPTIONS could preload arbitrary code into main (--require) or open an inspector.
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    // --inspect / --inspect-brk would hand a debugger full control of main (a shell, at the sign-in screen).
    [FuseV1Options.EnableNodeCliInspectArguments]: flavor.allowInspect,
    // The app.asar is checked against the hash embedded in the signed executable at start.
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    // Only resources/app.asar is loaded: a dropped-in resources/app folder is ignored.
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // MyPass ships no browser-process-specific V8 snapshot.
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    // file: gets no extra privileges (the app is served from app://; file: is refused outright).
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** Flips the fuses in a packaged Electron executable (or, in tests, a synthetic fuse wire). */
export function flipKioskFuses(executablePath: string, flavor?: FuseFlavor): Promise<number> {
  return flipFuses(executablePath, kioskFuseConfig(flavor));
}
