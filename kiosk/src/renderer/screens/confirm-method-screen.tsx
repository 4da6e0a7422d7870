// Enroll: the code sent to a new method, one new method at a time. A new method is registered only when its
// own code comes back (a typing mistake in the number never adds someone else's phone). When the gateway
// could not deliver the code, the code field gives way to the two ways out: correct it, or send new codes.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FlowView, FlowActions } from '../flow-view.js';
import { ScreenTitle, TextField } from '../parts/form-controls.js';
import { withIsolated } from '../parts/isolated-text.js';

export function ConfirmMethodScreen({ view, actions }: { view: FlowView; actions: FlowActions }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const enrollment = view.enrollment;
  const pending = enrollment?.pending;
  if (!enrollment || !pending) return null;
  const codeLength = pending.codeLength;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (code.length === codeLength) {
      actions.confirmNewMethod(code);
      setCode('');
    }
  };
  return (
    <form onSubmit={submit} noValidate data-new-method={pending.kind}>
      <ScreenTitle>{t('enroll.confirmTitle')}</ScreenTitle>
      {enrollment.deliveryFailed ? (
        <p className="notice warning" role="status" data-message="enroll.deliveryFailed">
          {withIsolated((d) => t('enroll.deliveryFailed', { destination: d }), pending.hint)}
        </p>
      ) : (
        <>
          <p className="lead">
            {withIsolated((d) => t('enroll.confirmBody', { destination: d }), pending.hint)}
          </p>
          <p>{t('code.wait')}</p>
        </>
      )}
      {enrollment.deliveryFailed ? null : (
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
        {enrollment.deliveryFailed ? (
          <button
            type="button"
            className="button primary"
            onClick={actions.changeNewMethods}
            disabled={view.busy}
          >
            {t('enroll.changeMethods')}
          </button>
        ) : (
          <button type="submit" className="button primary" disabled={view.busy || code.length !== codeLength}>
            {t('code.submit')}
          </button>
        )}
      </div>
      <div className="secondary-actions">
        <button
          type="button"
          className="button secondary"
          onClick={actions.resend}
          disabled={view.busy || enrollment.resendIn > 0}
        >
          {t('code.resend')}
        </button>
        {enrollment.resendIn > 0 ? (
          <p className="field-hint" aria-live="off">
            {t('code.resendIn', { count: enrollment.resendIn })}
          </p>
        ) : null}
        {enrollment.deliveryFailed ? null : (
          <button
            type="button"
            className="button secondary"
            onClick={actions.changeNewMethods}
            disabled={view.busy}
          >
            {t('enroll.changeMethods')}
          </button>
        )}
      </div>
    </form>
  );
}
