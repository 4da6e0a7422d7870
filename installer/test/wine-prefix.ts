// A throwaway 64-bit wine prefix for the installer tests: runs programs in it and snapshots its
// registry and files so a test can say exactly what an install added and an uninstall left.
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { bootWithRetries } from '../../native-bridge/test/native-toolchain.js';

export interface WineRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class WinePrefix {
  constructor(readonly dir: string) {}

  private get env(): NodeJS.ProcessEnv {
    return { ...process.env, WINEPREFIX: this.dir, WINEARCH: 'win64', WINEDEBUG: '-all', DISPLAY: '' };
  }

  /** Creates the prefix from nothing (an earlier run's prefix is deleted first). */
  async create(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(path.dirname(this.dir), { recursive: true });
    const boot = await bootWithRetries(
      this.dir,
      () => this.run('wineboot', ['--init']),
      () => this.run('wineserver', ['-k']),
    );
    if (boot.code !== 0) throw new Error(`wineboot failed (${boot.code}): ${boot.stderr}`);
    await this.settle();
  }

  run(program: string, args: readonly string[], timeoutMs = 180_000): Promise<WineRun> {
    const [command, argv] =
      program === 'wineboot' || program === 'wineserver' ? [program, args] : ['wine', [program, ...args]];
    return new Promise((resolve) => {
      execFile(
        command,
        argv,
        { env: this.env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** Waits until wineserver exits, which also writes the registry files to disk. */
  async settle(): Promise<void> {
    await this.run('wineserver', ['-w']);
  }

  /** The Windows path C:\... as a path on this machine. */
  hostPath(windowsPath: string): string {
    const match = /^([A-Za-z]):\\(.*)$/.exec(windowsPath);
    if (!match) throw new Error(`Not a drive path: ${windowsPath}`);
    return path.join(this.dir, `drive_${(match[1] ?? 'c').toLowerCase()}`, ...(match[2] ?? '').split('\\'));
  }

  /**
   * Every key and value of HKLM (system.reg) and HKCU (user.reg) as lines `[key] name=data`, without
   * wine's timestamps. A key appears on its own line too, so an added empty key is seen.
   */
  async registry(): Promise<Set<string>> {
    await this.settle();
    const entries = new Set<string>();
    for (const [hive, file] of [
      ['HKLM', 'system.reg'],
      ['HKCU', 'user.reg'],
    ] as const) {
      const text = await readFile(path.join(this.dir, file), 'utf8');
      let key = '';
      let pending = '';
      for (const raw of text.split('\n')) {
        let line = pending ? pending + raw.trimStart() : raw;
        pending = '';
        if (!line.startsWith('[') && line.endsWith('\\')) {
          pending = line.slice(0, -1);
          continue;
        }
        line = line.trimEnd();
        if (line.startsWith('[')) {
          key = `${hive}\\${line.slice(1, line.lastIndexOf(']')).replaceAll('\\\\', '\\')}`;
          entries.add(key);
        } else if (
          line !== '' &&
          !line.startsWith('#') &&
          !line.startsWith(';') &&
          !line.startsWith('WINE REGISTRY')
        ) {
          entries.add(`${key} ${line}`);
        }
      }
    }
    return entries;
  }

  /** Every file and folder under drive_c, relative to it. */
  async files(): Promise<Set<string>> {
    const root = path.join(this.dir, 'drive_c');
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return new Set(
      entries.map((entry) => {
        const relative = path
          .relative(root, path.join(entry.parentPath, entry.name))
          .split(path.sep)
          .join('/');
        return entry.isDirectory() ? `${relative}/` : relative;
      }),
    );
  }
}

export function difference<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): T[] {
  return [...a].filter((item) => !b.has(item)).sort();
}
