// What the flows service needs beyond the store and delivery ports (store/store.ts, delivery/delivery.ts).
export type { Clock } from '../store/store.js';

export interface RandomSource {
  /** Cryptographically secure random bytes. */
  bytes(length: number): Uint8Array;
}
