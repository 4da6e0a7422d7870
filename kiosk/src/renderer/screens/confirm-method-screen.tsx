// Enroll: the code sent to a new method, one new method at a time. A new method is registered only when its
// own code comes back (a typing mistake in the number never adds someone else's phone). When the gateway
// could not deliver the code, the code field gives way to the two ways out: correct it, or send new codes.
import { useTranslation } from 'react-i18next';
import type { FlowView, FlowActions } from '../flow-view.js';
import { CodeField, ResendButton, useCodeEntry } from '../parts/code-entry.js';
import { ScreenTitle } from '../parts/form-controls.js';
import { withIsolated } from '../parts/isolated-text.js';

export function ConfirmMethodScreen({ view, actions }: { view: FlowView; actions: FlowActions }) {
  const { t } = useTranslation();
  const enrollment = view.enrollment;
  const pending = enrollment?.pending;
  const codeLength = pending?.codeLength ?? 0;
  const { code, type, submit, complete } = useCodeEntry(codeLength, actions.confirmNewMethod);
  if (!enrollment || !pending) return null;
  const changeMethods = (primary: boolean) => (
    <button
      type="button"
      className={primary ? 'button primary' : 'button secondary'}
      onClick={actions.changeNewMethods}
      disabled={view.busy}
    >
      {t('enroll.changeMethods')}
    </button>
  );
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
      {enrollment.deliveryFailed ? null : <CodeField code={code} codeLength={codeLength} onType={type} />}
      <div className="actions">
        {enrollment.deliveryFailed ? (
          changeMethods(true)
        ) : (
          <button type="submit" className="button primary" disabled={view.busy || !complete}>
            {t('code.submit')}
          </button>
        )}
      </div>
      <div className="secondary-actions">
        <ResendButton resendIn={enrollment.resendIn} busy={view.busy} onResend={actions.resend} />
        {enrollment.deliveryFailed ? null : changeMethods(false)}
      </div>
    </form>
  );
}
