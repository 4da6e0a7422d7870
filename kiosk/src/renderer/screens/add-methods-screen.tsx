// Enroll: add a mobile number (with its country) and/or a private e-mail address. Each is checked here with
// the same code the enroll machine uses; the server parses again and sends a code to each one.
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DestinationProblem } from '@mypass/flows';
import {
  defaultPhoneRegion,
  parseNewEmail,
  parseNewPhone,
  phoneCountries,
  type NewMethod,
  type NewMethodProblem,
} from '@mypass/flows/machines/new-methods';
import type { FlowView, FlowActions } from '../flow-view.js';
import { ScreenTitle, TextField } from '../parts/form-controls.js';

type Problems = Partial<Record<'phone' | 'email' | 'form', NewMethodProblem>>;

/** The field message for the server's reason (422 destination_invalid). */
const refusedKey = {
  invalid_phone: 'enroll.phoneInvalid',
  invalid_address: 'enroll.emailInvalid',
  country_not_allowed: 'enroll.countryNotAllowed',
  already_registered: 'enroll.alreadyRegistered',
  duplicate: 'errors.destination_invalid',
  not_allowed: 'enroll.notAllowed',
} as const satisfies Record<DestinationProblem, string>;

function useCountryOptions(language: string) {
  return useMemo(() => {
    let names: Intl.DisplayNames | undefined;
    try {
      names = new Intl.DisplayNames([language, 'en'], { type: 'region' });
    } catch {
      names = undefined;
    }
    const collator = new Intl.Collator(language);
    return phoneCountries()
      .map((c) => ({ ...c, name: names?.of(c.region) ?? c.region }))
      .sort((a, b) => collator.compare(a.name, b.name));
  }, [language]);
}

export function AddMethodsScreen({ view, actions }: { view: FlowView; actions: FlowActions }) {
  const { t, i18n } = useTranslation();
  const countries = useCountryOptions(i18n.language);
  const typed = view.enrollment?.typed ?? [];
  const typedPhone = typed.find((m) => m.kind === 'sms')?.phone;
  const typedEmail = typed.find((m) => m.kind === 'email')?.email;
  const refused = view.enrollment?.refused ?? {};
  const [addPhone, setAddPhone] = useState(typedPhone !== undefined || typedEmail === undefined);
  const [addEmail, setAddEmail] = useState(typedEmail !== undefined);
  const [region, setRegion] = useState(() =>
    defaultPhoneRegion(
      i18n.language,
      view.methods.filter((m) => m.kind === 'sms').map((m) => m.hint ?? ''),
    ),
  );
  const [phone, setPhone] = useState(typedPhone ?? '');
  const [email, setEmail] = useState(typedEmail ?? '');
  const [problems, setProblems] = useState<Problems>({});
  // The server's refusal belongs to what was sent; once the field says something else, it is gone.
  const sentPhone = parseNewPhone(phone, region);
  const sentEmail = parseNewEmail(email, view.username);
  const refusedPhone = sentPhone.ok && sentPhone.phone === typedPhone ? refused.sms : undefined;
  const refusedEmail = sentEmail.ok && sentEmail.email === typedEmail ? refused.email : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Problems = {};
    const methods: NewMethod[] = [];
    if (addPhone) {
      const parsed = parseNewPhone(phone, region);
      if (parsed.ok) methods.push({ kind: 'sms', phone: parsed.phone });
      else found.phone = parsed.problem;
    }
    if (addEmail) {
      const parsed = parseNewEmail(email, view.username);
      if (parsed.ok) methods.push({ kind: 'email', email: parsed.email });
      else found.email = parsed.problem;
    }
    if (!addPhone && !addEmail) found.form = 'nothingToAdd';
    setProblems(found);
    if (Object.keys(found).length === 0) actions.submitNewMethods(methods);
  };

  return (
    <form onSubmit={submit} noValidate>
      <ScreenTitle>{t('enroll.addTitle')}</ScreenTitle>
      {problems.form ? (
        <p className="notice error" role="alert" data-message={`enroll.${problems.form}`}>
          {t(`enroll.${problems.form}`)}
        </p>
      ) : null}
      <div className="new-method">
        <label className="choice">
          <input
            type="checkbox"
            name="add-phone"
            checked={addPhone}
            onChange={(e) => setAddPhone(e.currentTarget.checked)}
          />
          <span className="choice-text">{t('enroll.addPhone')}</span>
        </label>
        {addPhone ? (
          <div className="new-method-fields">
            <div className="field">
              <label className="field-label" htmlFor="new-phone-country">
                {t('enroll.countryLabel')}
              </label>
              <select
                id="new-phone-country"
                name="country"
                className="field-input"
                value={region}
                onChange={(e) => setRegion(e.currentTarget.value)}
              >
                {countries.map((c) => (
                  <option key={c.region} value={c.region}>
                    {`${c.name} (+${c.callingCode})`}
                  </option>
                ))}
              </select>
            </div>
            <TextField
              label={t('enroll.phoneLabel')}
              hint={t('enroll.numberHint')}
              value={phone}
              onValue={setPhone}
              name="new-phone"
              type="tel"
              inputMode="tel"
              autoComplete="off"
              spellCheck={false}
              dir="ltr"
              maxLength={32}
              {...(problems.phone
                ? { error: t(`enroll.${problems.phone}`) }
                : refusedPhone
                  ? { error: t(refusedKey[refusedPhone]) }
                  : {})}
            />
          </div>
        ) : null}
      </div>
      <div className="new-method">
        <label className="choice">
          <input
            type="checkbox"
            name="add-email"
            checked={addEmail}
            onChange={(e) => setAddEmail(e.currentTarget.checked)}
          />
          <span className="choice-text">{t('enroll.addEmail')}</span>
        </label>
        {addEmail ? (
          <div className="new-method-fields">
            <TextField
              label={t('enroll.emailLabel')}
              hint={t('enroll.emailHint')}
              value={email}
              onValue={setEmail}
              name="new-email"
              type="email"
              inputMode="email"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              dir="ltr"
              maxLength={320}
              {...(problems.email
                ? { error: t(`enroll.${problems.email}`) }
                : refusedEmail
                  ? { error: t(refusedKey[refusedEmail]) }
                  : {})}
            />
          </div>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="button primary" disabled={view.busy}>
          {t('common.continue')}
        </button>
      </div>
    </form>
  );
}
