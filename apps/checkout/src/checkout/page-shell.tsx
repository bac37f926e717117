import { ReactNode, useEffect, useRef } from 'react';

/**
 * One page layout for every state. The heading takes focus when the state changes, so a screen reader
 * announces the new state and keyboard users start from the top of it.
 */
export function PageShell({
  title,
  children,
  focus = true,
}: {
  title: string;
  children: ReactNode;
  focus?: boolean;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, [title, focus]);
  return (
    <main className="checkout" aria-labelledby="page-title">
      <h1 id="page-title" ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
      <footer>
        <small>Payments are processed by Braintree. Your card details never reach our servers.</small>
      </footer>
    </main>
  );
}
