// Enter the code: digits only, paste accepted (spaces and dashes dropped), one-time-code autofill on
// the web, resend after the server's cool-down, another method when delivery fails or on request.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FlowView, FlowActions } from '../flow-view.js';
import { ScreenTitle, TextField } from '../parts/form-controls.js';
import { withIsolated } from '../parts/isolated-text.js';
import { selectableMethods } from './method-screen.js';

export function CodeScreen({ view, actions }: { view: FlowView; actions: FlowActions }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const challenge = view.challenge;
  const resendIn = challenge?.resendIn ?? 0;
  if (!challenge) return null;
  const codeLength = challenge.codeLength;
  const hasOtherMethod = selectableMethods(view).length > 1;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (code.length === codeLength) {
      actions.submitCode(code);
      setCode('');
    }
  };
  const destination = challenge.method.hint ?? '';
  return (
    <form onSubmit={submit} noValidate>
      <ScreenTitle>{t('code.title')}</ScreenTitle>
      {challenge.deliveryFailed ? (
        <p className="notice warning" role="status">
          {t('code.deliveryFailed')}
        </p>
      ) : (
        <>
          <p className="lead">
            {withIsolated(
              (d) =>
                challenge.method.kind === 'sms'
                  ? t('code.sentSms', { destination: d })
                  : t('code.sentEmail', { destination: d }),
              destination,
            )}
          </p>
          <p>{t('code.wait')}</p>
        </>
      )}
      {challenge.deliveryFailed ? null : (
        <TextField
          label={t('code.label')}
          value={code}
          onValue={(v) => setCode(v.replace(/\D/g, '').slice(0, codeLength))}
          name="code"
          className="code-input"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          dir="ltr"
          spellCheck={false}
          maxLength={codeLength + 8}
        />
      )}
      <div className="actions">
        {challenge.deliveryFailed ? null : (
          <button type="submit" className="button primary" disabled={view.busy || code.length !== codeLength}>
            {t('code.submit')}
          </button>
        )}
      </div>
      <div className="secondary-actions">
        {challenge.deliveryFailed ? null : (
          <>
            <button
              type="button"
              className="button secondary"
              onClick={actions.resend}
              disabled={view.busy || resendIn > 0}
            >
              {t('code.resend')}
            </button>
            {resendIn > 0 ? (
              <p className="field-hint" aria-live="off">
                {t('code.resendIn', { count: resendIn })}
              </p>
            ) : null}
          </>
        )}
        {hasOtherMethod || challenge.deliveryFailed ? (
          <>
            {challenge.deliveryFailed ? null : <p className="field-hint">{t('code.notReceived')}</p>}
            <button
              type="button"
              className="button secondary"
              onClick={actions.otherMethod}
              disabled={view.busy}
            >
              {t('code.otherMethod')}
            </button>
          </>
        ) : null}
      </div>
    </form>
  );
}
