// Optional on-screen keyboard for touch kiosks without a physical keyboard. Keys never take focus
// from the field (pointerdown is cancelled), and they type into the field that last had focus by
// setting its value the way the browser does, so React's onChange sees ordinary input. It shows only
// while the page has a field to type into (welcome, done and the method list have none).
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

const letterRows = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const symbolRows = ['1234567890', '@.-_+!?#$%', '&*()=/:;,\'"', '[]{}<>~^|\\'];

function typeInto(
  input: HTMLInputElement,
  edit: (value: string, start: number, end: number) => [string, number],
) {
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? input.value.length;
  const [next, caret] = edit(input.value, start, end);
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  setValue?.call(input, next);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.focus();
  try {
    input.setSelectionRange(caret, caret);
  } catch {
    // type=email fields do not support selection ranges; the caret stays at the end there.
  }
}

/** Inputs a person types text into (not buttons, choices or hidden fields). */
const textFieldSelector =
  'input:not([type="radio"]):not([type="checkbox"]):not([type="button"]):not([type="submit"]):not([type="hidden"]):not([disabled]), textarea:not([disabled])';

/** Whether the document has a text field, kept in step as screens change. */
function useTextFieldPresent(): boolean {
  const [present, setPresent] = useState(false);
  useEffect(() => {
    const check = () => setPresent(document.querySelector(textFieldSelector) !== null);
    check();
    const observer = new MutationObserver(check);
    observer.observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['type', 'disabled'],
    });
    return () => observer.disconnect();
  }, []);
  return present;
}

export function OnScreenKeyboard() {
  const { t } = useTranslation();
  const hasField = useTextFieldPresent();
  const [visible, setVisible] = useState(true);
  const [shift, setShift] = useState(false);
  const [symbols, setSymbols] = useState(false);
  const target = useRef<HTMLInputElement | null>(null);

  useEffect(() => {
    const remember = (e: FocusEvent) => {
      const el = e.target;
      if (el instanceof HTMLInputElement && !['radio', 'checkbox', 'button', 'submit'].includes(el.type)) {
        target.current = el;
      }
    };
    document.addEventListener('focusin', remember);
    return () => document.removeEventListener('focusin', remember);
  }, []);

  const insert = (text: string) => {
    const input = target.current;
    if (!input || !input.isConnected) return;
    typeInto(input, (v, s, e) => [v.slice(0, s) + text + v.slice(e), s + text.length]);
    if (shift) setShift(false);
  };
  const backspace = () => {
    const input = target.current;
    if (!input || !input.isConnected) return;
    typeInto(input, (v, s, e) =>
      s !== e
        ? [v.slice(0, s) + v.slice(e), s]
        : [v.slice(0, Math.max(0, s - 1)) + v.slice(s), Math.max(0, s - 1)],
    );
  };
  const enter = () => target.current?.form?.requestSubmit();
  const keep = (e: React.PointerEvent) => e.preventDefault();
  const rows = symbols ? symbolRows : letterRows;

  if (!hasField) return null;
  return (
    <section className="keyboard" aria-label={t('keyboard.label')} dir="ltr">
      <button
        type="button"
        className="button ghost"
        aria-expanded={visible}
        onClick={() => setVisible((v) => !v)}
      >
        {visible ? t('keyboard.hide') : t('keyboard.show')}
      </button>
      {visible ? (
        <div className="keyboard-keys">
          {rows.map((row) => (
            <div className="keyboard-row" key={row}>
              {[...row].map((ch) => {
                const key = shift ? ch.toUpperCase() : ch;
                return (
                  <button
                    type="button"
                    className="key"
                    key={ch}
                    onPointerDown={keep}
                    onClick={() => insert(key)}
                  >
                    {key}
                  </button>
                );
              })}
            </div>
          ))}
          <div className="keyboard-row">
            <button
              type="button"
              className="key wide"
              aria-pressed={shift}
              onPointerDown={keep}
              onClick={() => setShift((s) => !s)}
            >
              {t('keyboard.shift')}
            </button>
            <button
              type="button"
              className="key wide"
              onPointerDown={keep}
              onClick={() => setSymbols((s) => !s)}
            >
              {symbols ? t('keyboard.letters') : t('keyboard.symbols')}
            </button>
            <button type="button" className="key space" onPointerDown={keep} onClick={() => insert(' ')}>
              {t('keyboard.space')}
            </button>
            <button type="button" className="key wide" onPointerDown={keep} onClick={backspace}>
              {t('keyboard.backspace')}
            </button>
            <button type="button" className="key wide" onPointerDown={keep} onClick={enter}>
              {t('keyboard.enter')}
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
