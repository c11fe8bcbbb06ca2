import { useEffect, useState } from 'react';

async function copyText(text: string): Promise<void> {
  // The Clipboard API needs a secure context; the console is normally served over HTTPS.
  if (typeof navigator.clipboard === 'undefined') {
    throw new Error('the clipboard is not available on this page');
  }
  await navigator.clipboard.writeText(text);
}

/**
 * Copies a value to the clipboard and says so; if the browser refuses, tells the technician to
 * select the text instead.
 *
 * @example
 * <CopyButton text={enrollCommand} label="Copy command" />
 */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(timer);
  }, [state]);
  const onClick = () => {
    copyText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <button
      type="button"
      className="button button-small"
      onClick={onClick}
      data-testid="copy-button"
    >
      {state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Select and copy by hand' : label}
    </button>
  );
}
