/**
 * What keeps a report page from running anything but its own chart scripts, whatever the data
 * says: link targets are parsed as a browser parses them (the WHATWG URL parser, which drops
 * tabs and line breaks anywhere and control characters at either end, so `java\tscript:` is
 * `javascript:`) and kept only for the schemes a report links to; the page's
 * Content-Security-Policy lets only the inline scripts it lists by their SHA-256 hash run (no
 * `'unsafe-inline'`, so an injected `<script>` or `javascript:` link would not run either) and
 * no `eval` (the page draws its charts with vega's CSP-safe expression interpreter).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2';

/** The schemes a report's links may use; relative links (no scheme) are kept too. */
export const LINK_SCHEMES: readonly string[] = ['http:', 'https:', 'mailto:'];

/** A base to parse relative links against (its scheme is special, as `file:` and `https:` are). */
const BASE = 'https://report.invalid/page/';

/**
 * A link target as a browser would follow it, or `'#'` when it would leave the allowed schemes
 * (`http:`, `https:`, `mailto:`, or a relative link): the text is parsed with the WHATWG URL
 * parser, as browsers do, so neither tabs, line breaks nor control characters can hide a
 * `javascript:`, `data:` or `vbscript:` scheme. An absolute link is returned as the parser
 * serialises it; a relative one with what the parser drops removed (the target the browser
 * follows). Escape the result for the attribute ({@link escapeHtml}).
 * @example
 * ```ts
 * console.log(safeHref('java\tscript:alert(1)'), safeHref('\u0001javascript:alert(1)'), safeHref('charts/a.png'), safeHref('https://example.org/a b')); // => # # charts/a.png https://example.org/a%20b
 * ```
 */
export function safeHref(href: string): string {
  if (typeof href !== 'string') return '#';
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    // no scheme: a relative link (resolved against the page, whose scheme it keeps)
    try {
      new URL(href, BASE);
    } catch {
      return '#';
    }
    // what the URL parser drops: C0 controls and spaces at either end, tabs and line breaks anywhere
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the URL parser drops
    return href.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  }
  return LINK_SCHEMES.includes(url.protocol) ? url.href : '#';
}

/**
 * Script text as the HTML parser hands it to the browser (line breaks as `\n`, NUL as U+FFFD),
 * which is the text a CSP hash must be computed on; also unable to close its `<script>`
 * element early.
 * @example
 * ```ts
 * console.log(JSON.stringify(inlineScript('a("</script>");\r\nb()'))); // => "a(\"<\\/script>\");\nb()"
 * ```
 */
export function inlineScript(code: string): string {
  return code
    .replace(/\r\n?/g, '\n')
    .replace(/\0/g, '\uFFFD')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--');
}

/**
 * The CSP source of an inline script: `'sha256-…'` of its UTF-8 text (as it stands between the
 * tags: pass the text {@link inlineScript} made).
 * @example
 * ```ts
 * console.log(scriptHash('alert(1)')); // => 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='
 * ```
 */
export function scriptHash(code: string): string {
  const digest = sha256(new TextEncoder().encode(code));
  let binary = '';
  for (const b of digest) binary += String.fromCharCode(b);
  return `'sha256-${btoa(binary)}'`;
}

/**
 * The report page's Content-Security-Policy: nothing from the network (`default-src 'none'`),
 * only the inline scripts whose hashes are given, inline styles (vega-embed's tooltip adds a
 * style element), images and fonts only as `data:`/`blob:`, no `<base>` and no form targets.
 * @example
 * ```ts
 * console.log(reportCsp([]).split('; ').slice(0, 2).join('; ')); // => default-src 'none'; script-src 'none'
 * ```
 */
export function reportCsp(scriptHashes: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scriptHashes.length ? scriptHashes.join(' ') : "'none'"}`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
