/**
 * A description from the document: paragraphs at blank lines, `code spans` in backticks, the rest
 * as plain text (React text nodes; no HTML from the document is ever interpreted).
 *
 * @example
 * <Prose text="Needs the `createDeviceKey` permission." />
 */
export function Prose({ text, className }: { text: string | undefined; className?: string }) {
  if (text === undefined) return null;
  const paragraphs = text.split(/\n\s*\n/).filter((paragraph) => paragraph.trim() !== '');
  return (
    <div className={['prose', className].filter(Boolean).join(' ')}>
      {paragraphs.map((paragraph, index) => (
        <p key={index}>
          {paragraph
            .split('`')
            .map((part, partIndex) =>
              partIndex % 2 === 1 ? <code key={partIndex}>{part}</code> : part,
            )}
        </p>
      ))}
    </div>
  );
}
