// Flow tokens carry ≥128 random bits (api.md), so an unkeyed SHA-256 is enough to store them:
// nobody can search that space, and the store never holds the token itself (threat-model.md T5, T8).
import { createHash } from 'node:crypto';

export function hashFlowToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
