/**
 * The full-size reliability run (`npm run test:soak`): the reliability test files with their full
 * sizes, one after another, each in a process of its own, then the figures they printed.
 *
 *   npm run test:soak                    everything below (about 25-30 minutes on 2 busy cores)
 *   npm run test:soak -- durability xss  only the named parts
 *
 * Parts and sizes (environment of the test file; `npm test` runs the same files at CI sizes):
 *   durability   DURABILITY_TRIALS=50 SIGKILL trials
 *   drafts       DRAFT_SEQUENCES=10 x DRAFT_STEPS=30 Studio actions
 *   xss          XSS_TEXT_PAYLOADS=25 (the whole corpus) x every URL payload
 *   bad-input    (one size)
 *   faults       (one size)
 *   soak-2m      SOAK_SECONDS=120
 *   soak-10m     SOAK_SECONDS=600
 * RELIABILITY_SEED replays a randomized run; set it in the environment.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

const PARTS: Record<string, { file: string; env: Record<string, string> }> = {
  durability: { file: 'test/reliability/durability.test.ts', env: { DURABILITY_TRIALS: '50' } },
  drafts: { file: 'test/reliability/draft-isolation.test.ts', env: { DRAFT_SEQUENCES: '10', DRAFT_STEPS: '30' } },
  xss: { file: 'test/reliability/xss.test.ts', env: { XSS_TEXT_PAYLOADS: '25' } },
  'bad-input': { file: 'test/reliability/bad-input.test.ts', env: {} },
  faults: { file: 'test/reliability/faults.test.ts', env: {} },
  'soak-2m': { file: 'test/reliability/soak.test.ts', env: { SOAK_SECONDS: '120' } },
  'soak-10m': { file: 'test/reliability/soak.test.ts', env: { SOAK_SECONDS: '600' } },
}

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'))
for (const name of requested) {
  if (!(name in PARTS)) {
    console.error(`soak: unknown part "${name}": use ${Object.keys(PARTS).join(', ')}`)
    process.exit(2)
  }
}
const names = requested.length > 0 ? requested : Object.keys(PARTS)

interface Result {
  name: string
  ok: boolean
  seconds: number
  figures: string[]
}

function run(name: string): Promise<Result> {
  const part = PARTS[name]!
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--loader', 'ts-node/esm', '--no-warnings', part.file], {
      cwd: root,
      env: { ...process.env, ...part.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const take = (d: Buffer): void => {
      process.stdout.write(d)
      output += d.toString()
    }
    child.stdout?.on('data', take)
    child.stderr?.on('data', take)
    child.once('exit', (code) => {
      const figures = [...output.matchAll(/\[reliability\][^\n]*/g)].map((m) => m[0])
      const failed = /FAIL/.test(output) || !/Passed:\s+\d+/.test(output)
      resolve({ name, ok: code === 0 && !failed, seconds: Math.round((Date.now() - started) / 1000), figures })
    })
  })
}

const results: Result[] = []
for (const name of names) {
  console.log(
    `\n== ${name} (${
      Object.entries(PARTS[name]!.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || 'default size'
    })`,
  )
  results.push(await run(name))
}
console.log('\n== figures')
for (const r of results) {
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds} s)`)
  for (const f of r.figures) console.log(`     ${f}`)
}
const failed = results.filter((r) => !r.ok).length
console.log(`\n${results.length - failed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
