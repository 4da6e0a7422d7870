// Renders SMS and e-mail messages from the templates in @mypass/locales (keys code.*, reset.*,
// enrolled.*, i18next-style `{{var}}` interpolation). A small renderer rather than an i18next
// instance: the locales package types i18next's t() for the UI's keys, and these templates need
// nothing but interpolation. E-mail gets a text part and an HTML part built from the same
// paragraphs, every value HTML-escaped, so a display name or an address can never inject markup.
// SMS text is kept in the GSM alphabet where the language allows (sms-encoding.ts).
import { dirOf, loadMessages, messageLanguageFor, type MessageResources } from '@mypass/locales/node';
import { smsText } from './sms-encoding.js';

export type MessageTemplate = 'code' | 'reset' | 'enrolled';
export type MessageChannel = 'sms' | 'email';

export interface RenderedMessage {
  /** Resolved language tag. */
  lang: string;
  text: string;
  subject?: string;
  html?: string;
}

export interface MessageRenderer {
  render(
    template: MessageTemplate,
    channel: MessageChannel,
    locale: string,
    vars: Record<string, string>,
  ): RenderedMessage;
}

/** i18next's default interpolation syntax; an unknown variable renders empty, never as "{{name}}". */
export function interpolate(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? (vars[name] ?? '') : '',
  );
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One <p> per blank-line-separated paragraph, single newlines as <br>. */
export function htmlFromText(text: string, subject: string, lang: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(lang)}" dir="${dirOf(lang)}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: Segoe UI, Helvetica, Arial, sans-serif; font-size: 15px; line-height: 1.5;">',
    paragraphs,
    '</body></html>',
  ].join('\n');
}

/**
 * Variables that carry an instant: callers pass RFC 3339 (`2026-11-28T04:34:59Z`), people read a date and a time
 * in their language. Always in UTC and saying so: MyPass does not know the reader's time zone, and a time
 * without its zone would be wrong for most readers. The e-mail has the year, the SMS (short of room) not; the
 * 24-hour clock everywhere so no AM/PM marker is needed.
 */
const instantVariables: readonly string[] = ['time', 'usableFrom'];
const rfc3339Instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant written for people in `lang`, in UTC with "UTC" where the language puts a time zone. */
export function formatInstant(value: string, lang: string, channel: MessageChannel): string {
  const date = new Date(value);
  if (!rfc3339Instant.test(value) || Number.isNaN(date.getTime())) return value;
  const key = `${lang}|${channel}`;
  let format = instantFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, {
      // The abbreviated month: never ambiguous like 12/1, and the medium pattern has no connector word
      // ("at", "um", "lúc") that the templates' own "at {{time}}" would double.
      ...(channel === 'sms' ? {} : { year: 'numeric' }),
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'UTC',
      timeZoneName: 'short',
    });
    // Languages are the shipped ones (messageLanguageFor), so this stays small.
    instantFormats.set(key, format);
  }
  // Some languages name UTC in words (Greek: "Συντονισμένη Παγκόσμια Ώρα"); the short code is read everywhere.
  return format
    .formatToParts(date)
    .map((part) => (part.type === 'timeZoneName' ? 'UTC' : part.value))
    .join('');
}

/** Resolved languages by requested locale: BCP 47 matching (Intl.Locale#maximize) is costly per message. */
const MAX_CACHED_LOCALES = 256;

export function createMessageRenderer(defaults: { product: string; helpdesk: string }): MessageRenderer {
  const resolved = new Map<string, { lang: string; resources: MessageResources }>();
  const resolve = (locale: string): { lang: string; resources: MessageResources } => {
    let hit = resolved.get(locale);
    if (!hit) {
      const lang = messageLanguageFor(locale);
      hit = { lang, resources: loadMessages(lang) };
      // Locales come from users and the directory: bounded, oldest first out.
      if (resolved.size >= MAX_CACHED_LOCALES) resolved.delete(resolved.keys().next().value as string);
      resolved.set(locale, hit);
    }
    return hit;
  };
  return {
    render(template, channel, locale, vars) {
      const { lang, resources } = resolve(locale);
      const values: Record<string, string> = {
        ...vars,
        product: defaults.product,
        helpdesk: defaults.helpdesk,
      };
      for (const name of instantVariables) {
        const value = values[name];
        if (value !== undefined) values[name] = formatInstant(value, lang, channel);
      }
      const entry = resources[template];
      if (channel === 'sms') return { lang, text: smsText(interpolate(entry.sms, values)) };
      const subject = interpolate(entry.email.subject, values);
      const text = interpolate(entry.email.body, values);
      return { lang, subject, text, html: htmlFromText(text, subject, lang) };
    },
  };
}
