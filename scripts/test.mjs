// `npm test`: every check of the project, in order, as named stages, ending with one line
// `N passed, N failed` (individual mocha tests counted one by one; any other stage counts as one).
// A stage that cannot run is a failure, never a silent skip. Exit code 0 only if nothing failed.
//
//   node scripts/test.mjs                 all stages
//   node scripts/test.mjs unit vscode     only the stages whose id contains one of these words
//   node scripts/test.mjs --list          the stage ids
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, stopLeftoverServers } from './codeServer.mjs';
import { desktopSkipReason } from './desktopTests.mjs';

const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);
const resultsDir = join(repoRoot, 'test-results');
const countingReporter = join(repoRoot, 'scripts', 'countingReporter.cjs');
const MIN = 60_000;

/**
 * The stages. `cmd` runs a command (pass/fail = 1 test); `mocha` runs mocha with our counting
 * reporter (each test counted); `skip` explains why a stage does not run here and is not counted.
 */
const stages = [
  { id: 'build', title: 'build (node esbuild.mjs)', cmd: ['node', 'esbuild.mjs'], timeoutMs: 3 * MIN },
  { id: 'typecheck-node', title: 'type check: node side (tsc -p .)', cmd: [bin('tsc'), '-p', '.'], timeoutMs: 4 * MIN },
  { id: 'typecheck-engine', title: 'type check: engine, no Node/DOM (tsc -p src/engine)', cmd: [bin('tsc'), '-p', 'src/engine'], timeoutMs: 3 * MIN },
  { id: 'typecheck-webview', title: 'type check: webviews (tsc -p webview)', cmd: [bin('tsc'), '-p', 'webview'], timeoutMs: 3 * MIN },
  { id: 'lint', title: 'lint (eslint)', cmd: [bin('eslint'), '.'], timeoutMs: 4 * MIN },
  { id: 'unit', title: 'unit and worker tests (mocha, .mocharc.json)', mocha: [], timeoutMs: 8 * MIN },
  {
    id: 'webview', title: 'webview tests in Chromium (mocha, test/webview/.mocharc.json)', timeoutMs: 8 * MIN,
    mocha: ['--config', 'test/webview/.mocharc.json'],
    unavailable: () => (existsSync(join(repoRoot, 'test/webview/.mocharc.json')) ? undefined : 'no webview tests yet (test/webview/.mocharc.json is missing)'),
  },
  {
    id: 'interop', title: 'PyTorch interop snippets (mocha, test/interop/, needs python3-torch)', timeoutMs: 6 * MIN,
    mocha: ['--no-config', '--require', 'tsx/cjs', '--extension', 'ts', '--timeout', '300000', 'test/interop/**/*.test.ts'],
    unavailable: () => (existsSync(join(repoRoot, 'test/interop')) ? undefined : 'no interop tests yet (test/interop/ is missing)'),
  },
  { id: 'package', title: 'package the .vsix (node scripts/package.mjs)', cmd: ['node', 'scripts/package.mjs'], timeoutMs: 3 * MIN },
  { id: 'code-server', title: 'install code-server on demand (node scripts/codeServer.mjs install)', cmd: ['node', 'scripts/codeServer.mjs', 'install'], timeoutMs: 6 * MIN },
  { id: 'vscode', title: 'real VS Code: code-server + Chromium e2e and in-host suites (mocha, test/vscode/.mocharc.json)', mocha: ['--config', 'test/vscode/.mocharc.json'], timeoutMs: 12 * MIN },
  { id: 'desktop', title: 'desktop VS Code (@vscode/test-electron, node .vscode-test.mjs)', cmd: ['node', '.vscode-test.mjs'], timeoutMs: 8 * MIN, skip: desktopSkipReason },
];

const args = process.argv.slice(2);
if (args.includes('--list')) {
  for (const s of stages) console.log(`${s.id.padEnd(18)} ${s.title}`);
  process.exit(0);
}
const wanted = args.filter((a) => !a.startsWith('-'));
const selected = wanted.length ? stages.filter((s) => wanted.some((w) => s.id.includes(w))) : stages;
if (selected.length === 0) {
  console.error(`no stage matches ${wanted.join(' ')}; stages: ${stages.map((s) => s.id).join(', ')}`);
  process.exit(2);
}

mkdirSync(resultsDir, { recursive: true });
let current; // the running child, so Ctrl-C can stop its whole process group
process.on('SIGINT', () => { if (current) killGroup(current.pid, 'SIGKILL'); process.exit(130); });
process.on('SIGTERM', () => { if (current) killGroup(current.pid, 'SIGKILL'); process.exit(143); });

const report = [];
const started = Date.now();
for (const stage of selected) {
  const t0 = Date.now();
  console.log(`\n━━━ ${stage.title}`);
  const row = { stage, passed: 0, failed: 0, pending: 0, note: '' };
  const skipReason = stage.skip ? await stage.skip() : undefined;
  const unavailable = stage.unavailable?.();
  if (skipReason) {
    row.note = `skipped, not counted: ${skipReason}`;
    console.log(row.note);
  } else if (unavailable) {
    row.note = `not run, not counted: ${unavailable}`;
    console.log(row.note);
  } else if (stage.mocha) {
    const countsFile = join(resultsDir, `counts-${stage.id}.json`);
    rmSync(countsFile, { force: true });
    const r = await runProcess([bin('mocha'), ...stage.mocha, '--reporter', countingReporter], stage.timeoutMs, { RNN_LENS_COUNTS_FILE: countsFile });
    const counts = existsSync(countsFile) ? JSON.parse(readFileSync(countsFile, 'utf8')) : undefined;
    if (counts) Object.assign(row, { passed: counts.passes, failed: counts.failures, pending: counts.pending });
    // Mocha that dies before reporting (a test file that does not load, a timeout) is one failure more.
    if (!counts || (r.code !== 0 && counts.failures === 0)) {
      row.failed += 1;
      row.note = r.timedOut ? `killed after ${stage.timeoutMs / MIN} min` : `mocha exited with ${r.code ?? r.signal} before reporting`;
    } else if (r.timedOut) {
      row.note = `killed after ${stage.timeoutMs / MIN} min, counts up to then`;
    }
  } else {
    const r = await runProcess(stage.cmd, stage.timeoutMs);
    if (r.code === 0) row.passed = 1;
    else {
      row.failed = 1;
      row.note = r.timedOut ? `killed after ${stage.timeoutMs / MIN} min` : `exit ${r.code ?? r.signal}`;
    }
  }
  row.seconds = (Date.now() - t0) / 1000;
  const mark = row.failed ? '✘' : row.note.startsWith('skipped') || row.note.startsWith('not run') ? '–' : '✔';
  console.log(`${mark} ${stage.id}: ${row.passed} passed, ${row.failed} failed${row.pending ? `, ${row.pending} pending` : ''} (${row.seconds.toFixed(1)} s)${row.note ? ` ${row.note}` : ''}`);
  report.push(row);
}

console.log(`\n━━━ summary (${((Date.now() - started) / 1000).toFixed(0)} s)`);
for (const r of report) {
  const counts = r.note.startsWith('skipped') || r.note.startsWith('not run') ? r.note : `${r.passed} passed, ${r.failed} failed${r.pending ? `, ${r.pending} pending` : ''}${r.note ? ` (${r.note})` : ''}`;
  const mark = r.failed ? '✘' : r.note.startsWith('skipped') || r.note.startsWith('not run') ? '–' : '✔';
  console.log(`  ${mark} ${r.stage.id.padEnd(18)} ${counts}`);
}
const passed = report.reduce((n, r) => n + r.passed, 0);
const failed = report.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;

/** Runs a command in its own process group with inherited output; kills the group on timeout. */
function runProcess(cmd, timeoutMs, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd: repoRoot, stdio: 'inherit', detached: true, env: { ...process.env, ...extraEnv } });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n${cmd.join(' ')}: still running after ${timeoutMs / MIN} min, stopping it`);
      // SIGINT first so mocha's exit handlers close the browser and the server, then for certain.
      killGroup(child.pid, 'SIGINT');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000).unref();
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); current = undefined; console.error(`cannot run ${cmd[0]}: ${e.message}`); resolve({ code: -1, timedOut }); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      // Whatever the stage left running in its group, or as a test server of its own, goes with it.
      killGroup(child.pid, 'SIGKILL');
      stopLeftoverServers();
      resolve({ code, signal, timedOut });
    });
  });
}

function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}
