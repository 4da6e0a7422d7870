// What the host (web page or Electron kiosk) tells the renderer about its deployment. The renderer
// never reads policy itself: the web host fetches this from its server, the kiosk gets it from the pipe.

export interface HostConfig {
  /** Language shown first when the browser or Windows asks for nothing we ship. */
  readonly defaultLanguage: string;
  /** Languages the picker offers; empty = all that MyPass ships. May include the pseudo-locale `qps-ploc`. */
  readonly allowedLanguages: readonly string[];
  /** Seconds without input before "Are you still there?" appears. */
  readonly inactivityTimeoutSeconds: number;
  /** Seconds the "Are you still there?" countdown runs before everything is wiped. */
  readonly inactivityCountdownSeconds: number;
  /** Show the on-screen keyboard (touch kiosks without a physical keyboard). */
  readonly onScreenKeyboard: boolean;
  /** Administrator's helpdesk phone number, shown in the guidance. */
  readonly helpdeskPhone?: string;
  /** Administrator's extra guidance text, shown under the standard guidance. */
  readonly helpdeskText?: string;
  /** Replaces the standard guidance about Microsoft's "Forgot my password" link. */
  readonly guidanceOverride?: string;
  /** Demo mode: show the demo outbox and the demo users' methods. */
  readonly demo: boolean;
  /** The host can end the kiosk and go back to the Windows sign-in screen (tile-launched kiosk only). */
  readonly canLeave: boolean;
  /** The welcome screen offers "Set up my reset methods" (enrollment). Absent = not offered. */
  readonly offerEnrollment?: boolean;
}

export const defaultHostConfig: HostConfig = Object.freeze({
  defaultLanguage: 'en',
  allowedLanguages: [],
  inactivityTimeoutSeconds: 60,
  inactivityCountdownSeconds: 15,
  onScreenKeyboard: false,
  demo: false,
  canLeave: false,
});

const maxText = 500;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, maxText) : undefined;
}

function seconds(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? value
    : fallback;
}

/**
 * A host configuration from untrusted JSON: unknown fields are ignored and every invalid field
 * falls back to its default, so a bad policy value never stops the reset page from working.
 */
export function parseHostConfig(input: unknown): HostConfig {
  const raw = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const languages = Array.isArray(raw.allowedLanguages)
    ? raw.allowedLanguages.filter((l): l is string => typeof l === 'string' && /^[A-Za-z0-9-]{2,35}$/.test(l))
    : [];
  const helpdeskPhone = text(raw.helpdeskPhone);
  const helpdeskText = text(raw.helpdeskText);
  const guidanceOverride = text(raw.guidanceOverride);
  return {
    defaultLanguage:
      typeof raw.defaultLanguage === 'string' && /^[A-Za-z0-9-]{2,35}$/.test(raw.defaultLanguage)
        ? raw.defaultLanguage
        : defaultHostConfig.defaultLanguage,
    allowedLanguages: languages,
    inactivityTimeoutSeconds: seconds(raw.inactivityTimeoutSeconds, 60, 10, 3600),
    inactivityCountdownSeconds: seconds(raw.inactivityCountdownSeconds, 15, 5, 120),
    onScreenKeyboard: raw.onScreenKeyboard === true,
    ...(helpdeskPhone !== undefined ? { helpdeskPhone } : {}),
    ...(helpdeskText !== undefined ? { helpdeskText } : {}),
    ...(guidanceOverride !== undefined ? { guidanceOverride } : {}),
    demo: raw.demo === true,
    canLeave: raw.canLeave === true,
    // Offered unless the host says no: the tile-launched kiosk does (a person there needs a reset).
    offerEnrollment: raw.offerEnrollment !== false,
  };
}
