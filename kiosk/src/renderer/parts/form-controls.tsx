// Small shared building blocks: a labelled field and the screen heading that takes focus on arrival.
import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode } from 'react';

/** The screen's heading. It takes focus when the screen appears so screen readers announce it. */
export function ScreenTitle({
  children,
  focus = true,
  id = 'screen-title',
}: {
  children: ReactNode;
  focus?: boolean;
  id?: string;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <h1 id={id} className="screen-title" tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'onChange' | 'value'> {
  readonly label: string;
  readonly hint?: ReactNode;
  readonly error?: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly after?: ReactNode;
}

export function TextField({ label, hint, error, value, onValue, after, ...input }: TextFieldProps) {
  const id = useId();
  const described = [input['aria-describedby'], hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div className="field-row">
        <input
          {...input}
          id={id}
          className="field-input"
          value={value}
          onChange={(e) => onValue(e.currentTarget.value)}
          aria-describedby={described || undefined}
          aria-invalid={error ? true : undefined}
        />
        {after}
      </div>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
