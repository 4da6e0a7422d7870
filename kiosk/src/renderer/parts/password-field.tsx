// A password field: never spell-checked, capitalised or mirrored, masked unless shown, and the
// show/hide button next to it (one shown state can serve several fields on a screen).
import type { ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from './form-controls.js';

type PasswordFieldProps = Omit<ComponentProps<typeof TextField>, 'type' | 'after'> & {
  readonly shown: boolean;
  /** Given, the field carries the show/hide button. */
  readonly onToggleShown?: () => void;
};

export function PasswordField({ shown, onToggleShown, ...field }: PasswordFieldProps) {
  const { t } = useTranslation();
  const toggle = onToggleShown ? (
    <button type="button" className="button secondary reveal" aria-pressed={shown} onClick={onToggleShown}>
      {shown ? t('password.hide') : t('password.show')}
    </button>
  ) : undefined;
  return (
    <TextField
      {...field}
      type={shown ? 'text' : 'password'}
      autoCapitalize="none"
      spellCheck={false}
      dir="ltr"
      {...(toggle ? { after: toggle } : {})}
    />
  );
}
