/** A progress bar on stderr, drawn only when stderr is a terminal (silent in CI and pipes). */
export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ((done: number, total: number) => void) & { finish(): void } {
  let drawn = false
  const draw = (done: number, total: number): void => {
    if (!stream.isTTY || total < 1) return
    const width = 30
    const filled = Math.round((done / total) * width)
    stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`)
    drawn = true
  }
  return Object.assign(draw, {
    finish(): void {
      if (drawn) stream.write('\n')
    },
  })
}
