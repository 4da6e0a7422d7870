// The enroll screens rendered with the real i18next resources (en, de, ar): the done screen counts the new
// methods it confirmed (one, or both), and the confirm screen shows the way out when a code could not be
// delivered. The view comes from the real enroll machine's context, mapped as the kiosk maps it.
import { loadLanguage } from '@mypass/locales';
import { createApiClient, enrollMachine, type FlowContext } from '@mypass/flows';
import type { i18n } from 'i18next';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { toFlowView } from '../../src/renderer/flow-binding.js';
import type { FlowActions, FlowView } from '../../src/renderer/flow-view.js';
import { defaultHostConfig } from '../../src/renderer/host-config.js';
import { createI18n } from '../../src/renderer/i18n-setup.js';
import { ConfirmMethodScreen } from '../../src/renderer/screens/confirm-method-screen.js';
import { DoneScreen } from '../../src/renderer/screens/done-screen.js';

const inert = createApiClient({ request: () => new Promise<never>(() => undefined) });
const base: FlowContext = createActor(enrollMachine, { input: { client: inert } }).getSnapshot().context;
const pending = (kind: 'sms' | 'email') => ({
  challengeId: `e_${kind}`,
  kind,
  hint: kind === 'sms' ? '+45 •• •• •• 99' : 'a•••@p•••.example',
  codeLength: 6,
  expiresAt: '2026-11-28T09:10:00Z',
  resendAfter: 0,
});
const enrolled = (kind: 'sms' | 'email') => ({
  kind,
  hint: pending(kind).hint,
  usableFrom: '2026-12-01T09:00:00Z',
});

/** The view the kiosk shows for a machine step and context. */
function viewOf(step: string, context: Partial<FlowContext>): FlowView {
  return toFlowView({ steps: step }, { ...base, purpose: 'enroll', ...context }, false);
}

const noop = () => undefined;
const actions = new Proxy({}, { get: () => noop }) as FlowActions;

async function render(lang: string, element: ReactElement): Promise<string> {
  const instance: i18n = createI18n();
  if (lang !== 'en') await loadLanguage(instance, lang as 'de');
  await instance.changeLanguage(lang);
  const html = renderToStaticMarkup(<I18nextProvider i18n={instance}>{element}</I18nextProvider>);
  return html;
}

const textOf = (html: string, selector: RegExp) => (selector.exec(html)?.[1] ?? '').replace(/<[^>]+>/g, '');
const title = (html: string) => textOf(html, /<h1[^>]*>(.*?)<\/h1>/s);
const hold = (html: string) => textOf(html, /<p class="lead" data-hold-hours[^>]*>(.*?)<\/p>/s);

describe('done screen after enrollment', () => {
  const done = (kinds: ('sms' | 'email')[], holdHours = 72) =>
    viewOf('done', { enrolledMethods: kinds.map(enrolled), holdHours });

  it('speaks of one method when one was added', async () => {
    const html = await render(
      'en',
      <DoneScreen view={done(['email'])} actions={actions} config={defaultHostConfig} />,
    );
    expect(title(html)).toBe('Your method has been added');
    expect(hold(html)).toBe('You can use it to reset your password after 72 hours.');
  });

  it.each([
    ['en', 'Your 2 methods have been added', 'You can use both to reset your password after 72 hours.'],
    [
      'de',
      'Ihre 2 Methoden wurden hinzugefügt',
      'Sie können beide nach 72 Stunden zum Zurücksetzen Ihres Kennworts verwenden.',
    ],
    ['ar', 'تمت إضافة الطريقتين', 'يمكنك استخدام الطريقتين لإعادة تعيين كلمة المرور بعد 72 ساعة.'],
  ])('speaks of both methods when two were added (%s)', async (lang, heading, line) => {
    const html = await render(
      lang,
      <DoneScreen view={done(['sms', 'email'])} actions={actions} config={defaultHostConfig} />,
    );
    expect(title(html)).toBe(heading);
    expect(hold(html)).toBe(line);
  });

  it('says both are usable now when the policy has no hold', async () => {
    const html = await render(
      'en',
      <DoneScreen view={done(['sms', 'email'], 0)} actions={actions} config={defaultHostConfig} />,
    );
    expect(hold(html)).toBe('You can use both to reset your password now.');
  });
});

describe('confirm screen when the code to a new method could not be delivered', () => {
  const waiting = (status: 'queued' | 'failed') =>
    viewOf('confirmNewMethod', {
      pendingMethods: [pending('sms')],
      newMethods: [{ kind: 'sms', phone: '+4520123499' }],
      newMethodDelivery: status,
    });

  it('asks for the code while it is on its way', async () => {
    expect(waiting('queued').enrollment?.deliveryFailed).toBe(false);
    const html = await render('en', <ConfirmMethodScreen view={waiting('queued')} actions={actions} />);
    expect(html).toContain('name="code"');
    expect(html).not.toContain('enroll.deliveryFailed');
  });

  it.each([
    ['en', 'The code could not be delivered to', 'Change the number or address'],
    ['de', 'Der Code konnte nicht an', 'Nummer oder Adresse ändern'],
    ['ar', 'تعذّر إيصال الرمز إلى', 'تغيير الرقم أو العنوان'],
  ])(
    'offers to correct the number or send new codes instead of a code field (%s)',
    async (lang, notice, change) => {
      const view = waiting('failed');
      expect(view.enrollment?.deliveryFailed).toBe(true);
      const html = await render(lang, <ConfirmMethodScreen view={view} actions={actions} />);
      expect(textOf(html, /data-message="enroll.deliveryFailed">(.*?)<\/p>/s)).toContain(notice);
      // The masked number stays left to right inside the sentence.
      expect(html).toMatch(/data-message="enroll.deliveryFailed">.*<bdi dir="ltr">\+45 •• •• •• 99<\/bdi>/s);
      expect(html).not.toContain('name="code"');
      expect(textOf(html, /<button type="button" class="button primary"[^>]*>(.*?)<\/button>/s)).toBe(change);
      expect(html).toContain('class="button secondary"');
    },
  );
});
