#!/usr/bin/env node
// The project's test command (`npm test`): type-checks the project, then runs every uvu test file
// in a process of its own (so one file's servers, ports and crashes cannot disturb another), a few
// at a time, and ends with one line `N passed, N failed` for the whole run (CI reads that line).
//
//   npm test                 everything
//   npm test -- lake render  only test files whose path contains "lake" or "render" (no typecheck)
//   TEST_CONCURRENCY=1       run files one after another (default: 2)
//   TEST_FILE_TIMEOUT=600    seconds a file may run before it is killed and counted as failed
//   TEST_RETRIES=1           runs of a failing file again before it counts as failed (FLAKY when a retry passes)
//
// Plain JavaScript on purpose: it must run before anything else is known to compile.
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpus } from 'node:os'

const root = fileURLToPath(new URL('..', import.meta.url))
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const concurrency = Number(process.env.TEST_CONCURRENCY) || Math.min(2, cpus().length)
const fileTimeoutMs = (Number(process.env.TEST_FILE_TIMEOUT) || 600) * 1000
const ANSI = /\x1b\[[0-9;]*m/g

function findTests(dir) {
  const found = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) found.push(...findTests(path))
    else if (name.endsWith('.test.ts')) found.push(path)
  }
  return found
}

// Children run in process groups of their own (see run()): end them too when the runner is stopped.
const runningGroups = new Set()
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const pid of runningGroups) {
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {}
    }
    process.exit(130)
  })
}

function run(command, args, { env = {}, timeoutMs } = {}) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout can end the file together with the servers it started.
      detached: true,
    })
    runningGroups.add(child.pid)
    let output = ''
    let timedOut = false
    // A file that hangs (an open server or listener keeping the event loop alive) must not hang the
    // whole run: kill it and report it, with whatever it printed.
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true
          try {
            process.kill(-child.pid, 'SIGKILL')
          } catch {
            child.kill('SIGKILL')
          }
        }, timeoutMs)
      : undefined
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('close', (code, signal) => {
      runningGroups.delete(child.pid)
      clearTimeout(timer)
      resolve({ code: code ?? 1, signal, timedOut, output: output.replace(ANSI, ''), ms: Date.now() - started })
    })
  })
}

/** uvu prints `Total: N`, `Passed: N`, `Skipped: N` at the end of a file's run. */
function parseUvuSummary(output) {
  const grab = (label) => {
    const matches = [...output.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))]
    return matches.length ? Number(matches[matches.length - 1][1]) : undefined
  }
  const total = grab('Total')
  const passed = grab('Passed')
  const skipped = grab('Skipped') ?? 0
  if (total === undefined || passed === undefined) return undefined
  return { passed, skipped, failed: Math.max(0, total - passed - skipped) }
}

const totals = { passed: 0, failed: 0, skipped: 0 }
const failures = []

if (filters.length === 0) {
  process.stdout.write('typecheck (tsc --noEmit) ... ')
  const tsc = await run(process.execPath, [
    join(root, 'node_modules/typescript/bin/tsc'),
    '--noEmit',
    '-p',
    'tsconfig.json',
  ])
  if (tsc.code === 0) {
    totals.passed += 1
    console.log(`ok (${(tsc.ms / 1000).toFixed(1)} s)`)
  } else {
    totals.failed += 1
    failures.push({ file: 'typecheck', output: tsc.output })
    console.log('FAILED')
  }
}

if (filters.length === 0) {
  // One formatter and linter for the whole tree (biome.json); `npm run format` applies its fixes.
  process.stdout.write('format and lint (biome check) ... ')
  const biome = await run(process.execPath, [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'check', '.'])
  if (biome.code === 0) {
    totals.passed += 1
    console.log(`ok (${(biome.ms / 1000).toFixed(1)} s)`)
  } else {
    totals.failed += 1
    failures.push({ file: 'biome check', output: biome.output })
    console.log('FAILED (npm run format fixes most of it)')
  }
}

const files = findTests(join(root, 'test')).filter(
  (f) => filters.length === 0 || filters.some((flt) => relative(root, f).includes(flt)),
)

/** Runs one test file and classifies the outcome; nothing is counted here. */
async function runFile(file) {
  const result = await run(process.execPath, ['--loader', 'ts-node/esm', '--no-warnings', file], {
    timeoutMs: fileTimeoutMs,
  })
  const summary = parseUvuSummary(result.output)
  const secs = (result.ms / 1000).toFixed(1)
  if (result.timedOut) {
    // Even when uvu reported, a file that never exits leaks servers or timers: one failure.
    return {
      ok: false,
      passed: summary?.passed ?? 0,
      failed: 1,
      skipped: 0,
      output: `${result.output}\n[killed after ${fileTimeoutMs / 1000} s: the file did not exit]`,
      line: `TIMED OUT after ${secs} s${summary ? ` (uvu had reported ${summary.passed} passed, ${summary.failed} failed)` : ''}`,
    }
  }
  if (!summary) {
    // No summary: the file crashed before uvu could report. One failure.
    return {
      ok: false,
      passed: 0,
      failed: 1,
      skipped: 0,
      output: result.output,
      line: `CRASHED (exit ${result.code}${result.signal ? `, ${result.signal}` : ''}, ${secs} s)`,
    }
  }
  if (result.code !== 0 && summary.failed === 0) summary.failed = 1
  const skipped = summary.skipped ? `, ${summary.skipped} skipped` : ''
  return {
    ...summary,
    ok: summary.failed === 0,
    output: result.output,
    line: `${summary.passed} passed, ${summary.failed} failed${skipped} (${secs} s)`,
  }
}

// A failing file is run once more (TEST_RETRIES, default 1) and counted by its last run; a file
// that needed the retry is named FLAKY in the output, so flakiness is visible, never hidden.
const retries = Number(process.env.TEST_RETRIES ?? 1)
const flaky = []

let next = 0
async function worker() {
  while (next < files.length) {
    const file = files[next++]
    const name = relative(root, file)
    let outcome = await runFile(file)
    for (let attempt = 1; !outcome.ok && attempt <= retries; attempt++) {
      console.log(`${name}: ${outcome.line}; running it again (retry ${attempt} of ${retries})`)
      const first = outcome
      outcome = await runFile(file)
      if (outcome.ok) flaky.push({ file: name, output: first.output })
    }
    totals.passed += outcome.passed
    totals.failed += outcome.failed
    totals.skipped += outcome.skipped
    if (!outcome.ok) failures.push({ file: name, output: outcome.output })
    console.log(`${name}: ${outcome.line}`)
    // Figures a file reports (reliability: trials, requests, p99, RSS) are shown even when it passes.
    for (const line of outcome.output.match(/\[reliability\][^\n]*/g) ?? []) console.log(`  ${line}`)
  }
}
await Promise.all(Array.from({ length: concurrency }, worker))

for (const { file, output } of flaky) {
  console.log(`\n──── FLAKY: ${file} failed, then passed when run again; its first run: ────\n${output.trim()}`)
}
for (const { file, output } of failures) {
  console.log(`\n──── ${file} ────\n${output.trim()}`)
}
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : ''
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`)
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1)
