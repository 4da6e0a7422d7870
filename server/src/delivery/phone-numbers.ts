// Phone numbers as the SMS gateways need them: parsed with libphonenumber-js's full metadata (the
// user's usageLocation as default region for national formats), valid for their region, and from a
// region on the SMS allow-list (threat-model.md T4: SMS pumping to premium or far-away ranges).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { boundedMemo } from '@mypass/flows/bounded-memo';
import type { PhoneCheck } from './delivery.js';

function asRegion(value: string | null | undefined): CountryCode | undefined {
  return value && /^[A-Za-z]{2}$/.test(value) ? (value.toUpperCase() as CountryCode) : undefined;
}

// A valid number's E.164 form and region, or null; keyed "REGION\0raw" (a region is two letters or empty).
const parsedPhone = boundedMemo(1024, (key: string) => {
  const split = key.indexOf('\0');
  const phone = parsePhoneNumberFromString(
    key.slice(split + 1),
    (key.slice(0, split) || undefined) as CountryCode | undefined,
  );
  return phone?.isValid() ? { number: phone.number, country: phone.country } : null;
});

export function checkPhoneNumber(
  raw: string,
  defaultRegion: string | null | undefined,
  allowedRegions: ReadonlySet<string>,
): PhoneCheck {
  // Bounded input: no real number is this long, and the parser need not see more.
  if (raw.length > 64) return { ok: false, code: 'invalid_phone' };
  const phone = parsedPhone(`${asRegion(defaultRegion) ?? ''}\0${raw}`);
  if (!phone) return { ok: false, code: 'invalid_phone' };
  const region = phone.country;
  // Non-geographic numbers (+800, +882, …) have no region and are never on the allow-list.
  if (!region || !allowedRegions.has(region))
    return { ok: false, code: 'country_not_allowed', ...(region ? { region } : {}) };
  return { ok: true, e164: phone.number, region };
}
