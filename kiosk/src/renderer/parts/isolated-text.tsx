// Phone numbers, addresses and codes inside translated sentences: each is wrapped in
// <bdi dir="ltr"> so "+45 •• •• •• 78" never reorders inside Arabic or Hebrew text.
import type { ReactNode } from 'react';

const slot = '\u{E000}';

/** Calls translate with a placeholder, then puts the value back as an isolated LTR run. */
export function withIsolated(translate: (placeholder: string) => string, value: string): ReactNode {
  const parts = translate(slot).split(slot);
  return parts.flatMap((part, i) =>
    i === 0
      ? [part]
      : [
          <bdi key={i} dir="ltr">
            {value}
          </bdi>,
          part,
        ],
  );
}
