// Which of a user's methods a reset can offer: the kinds delivery sends, numbers that parse inside
// the SMS allow-list (as E.164), addresses normalized, each destination once. The flows service
// offers these; doctor measures the decoy shares on the same lists.
import { normalizeConfirmation } from '@mypass/flows/method-hints';
import type { Delivery } from '../delivery/delivery.js';
import type { MethodKind } from '../store/store.js';

export function deliverableMethods<T extends { kind: MethodKind; destination: string }>(
  candidates: readonly T[],
  /** The default region of numbers typed without a country code (the user's usageLocation). */
  region: string | null,
  delivery: Pick<Delivery, 'canDeliver' | 'checkPhone'>,
): T[] {
  const out: T[] = [];
  for (const candidate of candidates) {
    if (!delivery.canDeliver(candidate.kind)) continue;
    let destination: string | null;
    if (candidate.kind === 'sms') {
      const checked = delivery.checkPhone(candidate.destination, region);
      destination = checked.ok ? checked.e164 : null;
    } else {
      destination = normalizeConfirmation('email', candidate.destination);
    }
    if (!destination || out.some((m) => m.kind === candidate.kind && m.destination === destination)) continue;
    out.push({ ...candidate, destination });
  }
  return out;
}
