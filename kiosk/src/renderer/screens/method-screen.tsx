// Choose a method, then type its full number or address (nothing is sent unless it matches).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Method } from '@mypass/flows';
import type { FlowView, FlowActions } from '../flow-view.js';
import { ScreenTitle, TextField } from '../parts/form-controls.js';
import { withIsolated } from '../parts/isolated-text.js';

export function selectableMethods(view: FlowView): Method[] {
  return view.methods.filter((m) => m.kind !== 'password' && !view.verified.includes(m.id));
}

export function MethodScreen({ view, actions }: { view: FlowView; actions: FlowActions }) {
  const { t } = useTranslation();
  const methods = selectableMethods(view);
  const [chosen, setChosen] = useState<string>(methods.length === 1 ? (methods[0]?.id ?? '') : '');
  const [confirm, setConfirm] = useState('');
  const method = methods.find((m) => m.id === chosen);
  const another = view.methodsRemaining !== undefined && view.methodsRemaining > 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (method && confirm.trim() !== '') actions.chooseMethod(method.id, confirm.trim());
  };
  return (
    <form onSubmit={submit} noValidate>
      <ScreenTitle>{another ? t('another.title') : t('method.title')}</ScreenTitle>
      {another ? (
        <p className="lead">{t('another.body', { count: view.methodsRemaining ?? 1 })}</p>
      ) : view.purpose === 'enroll' ? (
        <p className="lead">{t('enroll.verifyFirst')}</p>
      ) : null}
      <fieldset className="choices">
        <legend>{t('method.intro')}</legend>
        {methods.map((m) => (
          <label key={m.id} className="choice">
            <input
              type="radio"
              name="method"
              value={m.id}
              checked={chosen === m.id}
              onChange={() => {
                setChosen(m.id);
                setConfirm('');
              }}
            />
            <span className="choice-text">
              {withIsolated(
                (hint) => (m.kind === 'sms' ? t('method.sms', { hint }) : t('method.email', { hint })),
                m.hint ?? '',
              )}
            </span>
          </label>
        ))}
      </fieldset>
      {method ? (
        <TextField
          key={method.id}
          label={method.kind === 'sms' ? t('method.smsInput') : t('method.emailInput')}
          hint={method.kind === 'sms' ? t('method.smsPrompt') : t('method.emailPrompt')}
          value={confirm}
          onValue={setConfirm}
          name="confirm"
          type={method.kind === 'sms' ? 'tel' : 'email'}
          inputMode={method.kind === 'sms' ? 'tel' : 'email'}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          dir="ltr"
          maxLength={320}
        />
      ) : null}
      <div className="actions">
        <button
          type="submit"
          className="button primary"
          disabled={view.busy || method === undefined || confirm.trim() === ''}
        >
          {t('method.send')}
        </button>
      </div>
    </form>
  );
}
