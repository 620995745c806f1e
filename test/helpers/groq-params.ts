/**
 * The parameters of a generated GROQ query: `param(value)` keeps the value and returns its
 * `$pN` placeholder, so generated queries carry values as `$params`, never in the query text.
 */
export function queryParams(): { params: Record<string, unknown>; param: (value: unknown) => string } {
  const params: Record<string, unknown> = {}
  let n = 0
  return {
    params,
    param(value) {
      const name = `p${n++}`
      params[name] = value
      return `$${name}`
    },
  }
}
