// New password with show/hide and the live rule checklist. The checklist uses the same
// evaluatePassword as the server, with the policy the server sent; the server's check counts.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  defaultPasswordPolicy,
  evaluatePassword,
  loadCommonPasswordChecker,
  type PasswordPolicy,
  type PasswordViolation,
} from '@mypass/flows';
import type { FlowView, FlowActions } from '../flow-view.js';
import { ScreenTitle } from '../parts/form-controls.js';
import { PasswordField } from '../parts/password-field.js';

type CommonPasswordChecker = Awaited<ReturnType<typeof loadCommonPasswordChecker>>;

function ruleText(
  t: ReturnType<typeof useTranslation>['t'],
  rule: PasswordViolation,
  policy: PasswordPolicy,
): string {
  switch (rule) {
    case 'too_short':
      return t('password.rules.too_short', { min: policy.minLength });
    case 'too_long':
      return t('password.rules.too_long', { max: policy.maxLength });
    case 'too_few_character_classes':
      return t('password.rules.too_few_character_classes', { classes: policy.minCharacterClasses });
    default:
      return t(`password.rules.${rule}`);
  }
}

export function PasswordScreen({ view, actions }: { view: FlowView; actions: FlowActions }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [shown, setShown] = useState(false);
  const [checker, setChecker] = useState<CommonPasswordChecker | undefined>(undefined);
  const [rejected, setRejected] = useState<string | undefined>(undefined);
  const policy = view.policy ?? defaultPasswordPolicy;

  // The common-password dictionary is large: it loads only on this screen, never on the first one.
  useEffect(() => {
    let live = true;
    if (policy.blockCommonPasswords || policy.minStrengthScore !== undefined) {
      void loadCommonPasswordChecker().then(
        (c) => live && setChecker(() => c),
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
  }, [policy.blockCommonPasswords, policy.minStrengthScore]);

  // A rejection by the server or directory applies to the password it was given, not to the next one.
  useEffect(() => {
    if (view.violations.length > 0) setRejected(password);
    // Only a new server answer marks the current password as rejected (password is read, not watched).
  }, [view.violations]);

  const evaluation = evaluatePassword(password, policy, {
    userNameParts: [view.username],
    ...(checker ? { checker } : {}),
  });
  const serverRejected = rejected !== undefined && rejected === password && password !== '';
  const checks = [
    // "No more than 256 characters" is noise until someone gets near it.
    ...evaluation.checks
      .filter((c) => c.rule !== 'too_long' || !c.passed)
      .map((c) => ({
        rule: c.rule,
        passed: c.passed && !(serverRejected && view.violations.includes(c.rule)),
      })),
    ...(serverRejected && view.violations.includes('rejected_by_directory')
      ? [{ rule: 'rejected_by_directory' as const, passed: false }]
      : []),
  ];
  const mismatch = again !== '' && again !== password;
  const ready = evaluation.ok && !serverRejected && password === again && password !== '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) actions.submitPassword(password);
  };
  return (
    <form onSubmit={submit} noValidate>
      <ScreenTitle>{t('password.title')}</ScreenTitle>
      <PasswordField
        label={t('password.label')}
        value={password}
        onValue={(v) => {
          setPassword(v);
          actions.passwordInput(v);
        }}
        name="new-password"
        autoComplete="new-password"
        maxLength={policy.maxLength * 2}
        aria-describedby="password-rules"
        shown={shown}
        onToggleShown={() => setShown((s) => !s)}
      />
      <section className="checklist" id="password-rules" aria-labelledby="checklist-title">
        <h2 className="checklist-title" id="checklist-title">
          {t('password.checklistTitle')}
        </h2>
        <ul>
          {checks.map((c) => (
            <li
              key={c.rule}
              className={c.passed ? 'rule met' : 'rule'}
              data-rule={c.rule}
              data-met={c.passed}
            >
              <span className="rule-mark" aria-hidden="true">
                {c.passed ? '✓' : '○'}
              </span>
              <span>{ruleText(t, c.rule, policy)}</span>
              <span className="visually-hidden">
                {' '}
                – {c.passed ? t('password.ruleMet') : t('password.ruleNotMet')}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <PasswordField
        label={t('password.confirmLabel')}
        value={again}
        onValue={setAgain}
        name="confirm-password"
        autoComplete="new-password"
        maxLength={policy.maxLength * 2}
        shown={shown}
        {...(mismatch ? { error: t('password.mismatch') } : {})}
      />
      <div className="actions">
        {view.retryIn !== undefined ? (
          // The directory was unreachable: the same password is sent again when the wait is over.
          <button
            type="button"
            className="button primary"
            onClick={actions.retry}
            disabled={view.retryIn > 0}
          >
            {t('common.tryAgain')}
            {view.retryIn > 0 ? ` (${view.retryIn})` : ''}
          </button>
        ) : (
          <button type="submit" className="button primary" disabled={view.busy || !ready}>
            {t('password.submit')}
          </button>
        )}
      </div>
    </form>
  );
}
