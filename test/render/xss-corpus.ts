// The XSS corpus: hostile markup and URLs. Shared by the render tests (test/render/xss.test.ts)
// and the end-to-end reliability tests (test/reliability/xss.test.ts), which publish it through the
// lake into every field and check every output of the delivery API and syndication.

/** Markup payloads: must appear as visible text, never as elements. */
export const TEXT_PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)><script>alert(2)</script></svg>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '</p><iframe src=javascript:alert(1)></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '<!--<script>alert(1)//-->',
  '</script><script>alert(1)</script>',
  '</title><script>alert(1)</script>',
  '</style><script>alert(1)</script>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<body onload=alert(1)>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<base href="javascript:/">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<form action=javascript:alert(1)><button>go</button></form>',
  '<details open ontoggle=alert(1)>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '\u2028\u2029<script>',
  '<<script>script>alert(1)<</script>/script>',
  '<scr\u0000ipt>alert(1)</script>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<template><script>alert(1)</script></template>',
]

/** URL payloads: must never survive as a link/src target. */
export const URL_PAYLOADS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  '\tjavascript:alert(1)',
  'java\nscript:alert(1)',
  'java\tscript:alert(1)',
  'java\rscript:alert(1)',
  'java\u0000script:alert(1)',
  '\u0001javascript:alert(1)',
  '\u200Bjavascript:alert(1)',
  '\uFEFFjavascript:alert(1)',
  '&#106;avascript:alert(1)',
  '&#x6A;avascript:alert(1)',
  '&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)',
  'javascript&colon;alert(1)',
  'jav&#x09;ascript:alert(1)',
  '%6Aavascript:alert(1)',
  'javascript://%0Aalert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'DATA:text/html,<script>alert(1)</script>',
  ' data:image/svg+xml,<svg onload=alert(1)>',
  'vbscript:msgbox(1)',
  'VBScript:msgbox(1)',
  'file:///etc/passwd',
  '//evil.example/x',
  '/\\evil.example',
  'https:javascript:alert(1)',
  'http://example.com/"onmouseover="alert(1)',
  "https://example.com/'onmouseover='alert(1)",
  'https://example.com/<script>alert(1)</script>',
  'mailto:a@example.com?body="><script>alert(1)</script>',
  'tel:+1"><img src=x onerror=alert(1)>',
]

/** A citation with the payload in every text field and the URL payload as its link. */
export function hostileCitation(key: string, payload: string, url: string) {
  return {
    _key: key,
    _type: 'citation' as const,
    authors: [payload],
    title: payload,
    journal: payload,
    year: 2017,
    volume: payload,
    issue: payload,
    pages: payload,
    doi: `10.1234/${payload}`,
    pmid: payload,
    url,
  }
}
