// The production random source; tests inject their own.
import { randomBytes } from 'node:crypto';
import type { RandomSource } from './ports.js';

export const cryptoRandom: RandomSource = { bytes: (length) => new Uint8Array(randomBytes(length)) };
