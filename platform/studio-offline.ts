// The Studio's index.html as the local Studio server serves it: with nothing that reaches for a
// host other than this machine. `sanity build` writes an index.html for a Studio on sanity.io:
// it loads the Inter font from Sanity's font host and a "bridge" script for sanity.io's dashboard,
// and the Studio bundle calls two sanity.io services that no configuration switches off (the
// version check on Sanity's module CDN, and the help menu's probe of the feedback service). Offline
// those fail (console errors, long timeouts) and online they would tell sanity.io who opens a
// clinic's Studio. Everything the Studio needs from the content API is answered by the lake.

/** Where `sanity build`'s index.html loads the Inter font from (Sanity's font host). */
const REMOTE_FONT =
  /src:\s*url\(["']?https:\/\/studio-static\.sanity\.io\/(Inter-[A-Za-z]+)\.woff2["']?\)\s*format\(["']?woff2["']?\)/g

/** The dashboard bridge `sanity build` adds (only used when sanity.io's dashboard embeds the Studio). */
const BRIDGE_SCRIPT = /<script\b[^>]*\bsrc="https:\/\/core\.sanity-cdn\.(?:com|work)\/bridge\.js"[^>]*><\/script>\s*/g

/** Where the Studio server serves Inter from: the `@fontsource/inter` package's own files. */
export const FONT_PATH = '/fonts/'
/** The font files the Studio server may serve (Latin covers English and Spanish, ¿ ¡ ñ included). */
export const FONT_FILE = /^inter-latin-(?:[1-9]00)-(?:normal|italic)\.woff2$/

const WEIGHTS: Record<string, number> = { '': 400, Medium: 500, SemiBold: 600, Bold: 700, ExtraBold: 800, Black: 900 }

/** `Inter-SemiBoldItalic` -> `inter-latin-600-italic.woff2`; null for a face Fontsource lacks. */
export function localFontFile(remoteName: string): string | null {
  const style = remoteName.slice('Inter-'.length)
  const italic = style.endsWith('Italic')
  const weightName = (italic ? style.slice(0, -'Italic'.length) : style).replace(/^Regular$/, '')
  const weight = WEIGHTS[weightName]
  return weight === undefined ? null : `inter-latin-${weight}-${italic ? 'italic' : 'normal'}.woff2`
}

/**
 * Each `@font-face` of Inter loads the same face from this machine: the copy installed in the
 * system if there is one (`local()`), else the file from `@fontsource/inter` that the Studio
 * server serves under {@link FONT_PATH}.
 */
export function localizeFonts(indexHtml: string): string {
  return indexHtml.replace(REMOTE_FONT, (_match, file: string) => {
    const style = file.slice('Inter-'.length)
    const fullName = style === 'Regular' ? 'Inter' : `Inter ${style.replace(/([a-z])([A-Z])/g, '$1 $2')}`
    const local = localFontFile(file)
    return `src: local("${fullName}"), local("${file}")${local ? `, url("${FONT_PATH}${local}") format("woff2")` : ''}`
  })
}

/**
 * Runs in the page before the Studio and answers, without a request, the two sanity.io services
 * the Studio calls with a hard-coded URL:
 * - Sanity's module CDN (`sanity-cdn.com/v1/modules/...`), asked every 15 minutes for the latest
 *   Studio version: `{}` (no version known offline), so the help menu shows no update offer.
 * - The feedback intake (`api.sanity.io/vX/intake/feedback`), which the help menu probes to decide
 *   whether to offer "Give feedback": 503, so the item is not offered (feedback cannot be sent
 *   offline). Error reports (`intake/tracing`) are refused the same way: telemetry is denied.
 * Every other request goes out unchanged.
 */
export const OFFLINE_FETCH_SHIM = `(function () {
  var nativeFetch = window.fetch;
  if (typeof nativeFetch !== 'function') return;
  var MODULE_CDN = /^https:\\/\\/sanity-cdn\\.(com|work)\\/v1\\/modules\\//;
  var INTAKE = /^https:\\/\\/api\\.sanity\\.(io|work)\\/v[^/]+\\/intake\\/(feedback|tracing)(\\?|$)/;
  function urlOf(input) {
    if (typeof input === 'string') return input;
    if (input && typeof input.href === 'string') return input.href;
    if (input && typeof input.url === 'string') return input.url;
    return '';
  }
  window.fetch = function (input, init) {
    var url = urlOf(input);
    if (MODULE_CDN.test(url))
      return Promise.resolve(new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } }));
    if (INTAKE.test(url))
      return Promise.resolve(new Response(null, { status: 503, statusText: 'Not sent: this Studio works offline' }));
    return nativeFetch.call(window, input, init);
  };
})();`

/** index.html without requests off the machine (see the comment at the top of this file). */
export function offlineIndexHtml(indexHtml: string): string {
  const html = localizeFonts(indexHtml).replace(BRIDGE_SCRIPT, '')
  const head = /<head[^>]*>/i.exec(html)
  if (!head) throw new Error('The Studio build\'s index.html has no <head>: rebuild it with "sanity build".')
  const at = head.index + head[0].length
  return `${html.slice(0, at)}<script>${OFFLINE_FETCH_SHIM}</script>${html.slice(at)}`
}
