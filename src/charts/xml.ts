/**
 * Text that XML can hold: SVG (and so PNG, which resvg draws from the SVG) is XML, which has no
 * way to write most control characters, not even escaped; a label with one (U+0001, a NUL from
 * a damaged file) would make the whole chart unreadable.
 * @module
 */

/** What XML 1.0 cannot hold: C0 controls other than tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * `text` without the characters XML 1.0 cannot hold (C0 controls other than tab, line feed and
 * carriage return; lone surrogates; U+FFFE, U+FFFF), which are removed, as the xlsx writer
 * removes them: they have no visible form. Everything else is kept.
 * @example
 * ```ts
 * console.log(JSON.stringify(xmlText('Sup\u0001port\u0000 \tok\uD800'))); // => "Support \tok"
 * ```
 */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, '');
}
