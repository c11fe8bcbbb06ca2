/**
 * Characters that change how text reads without being seen: bidi embeddings, overrides and
 * isolates (U+202A–202E, U+2066–2069), direction marks (U+200E, U+200F, U+061C) and zero-width
 * characters (U+200B–200D, U+2060, U+FEFF). A device reports its own metadata, so a hostile
 * device could use them to make one name look like another ("gnp.exe" that reads "exe.png").
 */
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

/**
 * Text from a device (hostname, OS, names, console user) with every invisible formatting
 * character shown as a visible escape such as `⟦U+202E⟧`, so what the technician reads is what
 * the device sent. The one place the console does this: call it wherever device metadata is
 * shown.
 *
 * @example
 * visibleText('web\u202E01') // 'web⟦U+202E⟧01'
 */
export function visibleText(text: string): string {
  return text.replace(
    INVISIBLE,
    (character) =>
      `⟦U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟧`,
  );
}
