#!/usr/bin/env node
// The `mypass` command (package.json "bin"): `mypass doctor`, `mypass --help`.
import { runCli } from './cli/commands.js';

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
process.exitCode = exitCode;
