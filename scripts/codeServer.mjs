// code-server on demand: a real VS Code workbench (server + web UI) from npm, for `npm start`
// on machines without a desktop `code` and for the end-to-end tests. Installed once into an
// ignored cache folder (like @vscode/test-electron caches VS Code under .vscode-test/), launched
// in its own process group so that stopping it never leaves a stray server behind.
//
//   node scripts/codeServer.mjs install    installs (or says it is already installed)
//   node scripts/codeServer.mjs version    prints the installed version
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Newer releases need Node 22; 4.100.3 is VS Code 1.100.3 on Node 20. */
export const CODE_SERVER_VERSION = '4.100.3';
export const cacheRoot = join(repoRoot, '.vscode-test');
export const installDir = join(cacheRoot, 'code-server');
const entryScript = join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const installedMarker = join(installDir, `.installed-${CODE_SERVER_VERSION}`);

/** Settings that keep a fresh workbench quiet: no welcome page, no trust prompt, no update checks. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
};

export class CodeServerError extends Error {}

export function isCodeServerInstalled() {
  return existsSync(installedMarker) && existsSync(entryScript);
}

/** Debian packages whose headers or tools the native modules of code-server build against. */
const BUILD_PREREQUISITES = [
  { check: () => which('rg'), pkg: 'ripgrep' },
  { check: () => which('make') && which('g++'), pkg: 'build-essential' },
  { check: () => which('pkg-config'), pkg: 'pkg-config' },
  { check: () => which('python3'), pkg: 'python3' },
  { check: () => existsSync('/usr/include/gssapi/gssapi.h'), pkg: 'libkrb5-dev' },
  { check: () => existsSync('/usr/include/libsecret-1/libsecret/secret.h'), pkg: 'libsecret-1-dev' },
  { check: () => existsSync('/usr/include/X11/Xlib.h'), pkg: 'libx11-dev' },
  { check: () => existsSync('/usr/include/X11/extensions/XKBfile.h'), pkg: 'libxkbfile-dev' },
];

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs code-server into .vscode-test/code-server/ unless it is already there.
 * Idempotent; about 50-90 s the first time. Throws CodeServerError with a one-line fix.
 */
export async function ensureCodeServer({ log = (m) => console.log(m) } = {}) {
  if (isCodeServerInstalled()) {
    log(`code-server ${CODE_SERVER_VERSION} already installed in ${rel(installDir)}`);
    return entryScript;
  }
  const missing = BUILD_PREREQUISITES.filter((p) => !p.check()).map((p) => p.pkg);
  if (missing.length > 0) {
    throw new CodeServerError(
      `code-server needs Debian packages to build: run (as root) apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing code-server ${CODE_SERVER_VERSION} into ${rel(installDir)} (once, about a minute)...`);
  mkdirSync(installDir, { recursive: true });
  // Its own package.json, so npm treats this folder as a project instead of walking up into ours.
  writeFileSync(join(installDir, 'package.json'),
    JSON.stringify({ name: 'rnn-lens-code-server-cache', private: true, description: 'code-server for npm start and the e2e tests' }, null, 2));

  // @vscode/ripgrep downloads ripgrep from GitHub in its postinstall, which these machines cannot
  // reach; it accepts a cached archive instead, so we give it Debian's rg (the same 13.0.0).
  const tmp = join(installDir, 'tmp');
  seedRipgrepCache(tmp);

  const env = { ...process.env, TMPDIR: tmp, npm_config_yes: 'true', npm_config_update_notifier: 'false' };
  // node-gyp would download Node's headers from nodejs.org; use the installed ones when present.
  const nodePrefix = resolve(dirname(process.execPath), '..');
  if (!env.npm_config_nodedir && existsSync(join(nodePrefix, 'include', 'node', 'node.h'))) env.npm_config_nodedir = nodePrefix;

  const logFile = join(installDir, 'install.log');
  const fd = openSync(logFile, 'w');
  const code = await new Promise((done) => {
    // --unsafe-perm: code-server's postinstall refuses to run as root without it.
    const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--unsafe-perm', '--save-exact', `code-server@${CODE_SERVER_VERSION}`],
      { cwd: installDir, env, stdio: ['ignore', fd, fd] });
    child.on('error', () => done(-1));
    child.on('exit', (c) => done(c ?? -1));
  });
  closeSync(fd);
  if (code !== 0 || !existsSync(entryScript)) {
    const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
    throw new CodeServerError(`installing code-server failed (npm exit ${code}); see ${rel(logFile)}: ${tail}`);
  }
  writeFileSync(installedMarker, new Date().toISOString() + '\n');
  log(`code-server ${CODE_SERVER_VERSION} installed`);
  return entryScript;
}

function seedRipgrepCache(tmp) {
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  const cache = join(tmp, 'vscode-ripgrep-cache-1.15.11');
  const archive = join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (existsSync(archive)) return;
  mkdirSync(cache, { recursive: true });
  const r = spawnSync('tar', ['-czf', archive, '-C', dirname(rg), 'rg']);
  if (r.status !== 0) throw new CodeServerError(`could not prepare the ripgrep cache in ${cache}: ${r.stderr}`);
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released for code-server to take). */
export function freePort() {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => done(port));
    });
  });
}

/**
 * Prepares an isolated profile: config file, user data (with quiet settings) and extensions folder.
 * `fresh` wipes an earlier profile of the same name (tests); `npm start` keeps it between runs.
 */
export function prepareProfile(name, { fresh = false, settings = {} } = {}) {
  const dir = join(cacheRoot, 'profiles', name);
  if (fresh) rmSync(dir, { recursive: true, force: true });
  const profile = {
    dir,
    config: join(dir, 'config.yaml'),
    userDataDir: join(dir, 'user-data'),
    extensionsDir: join(dir, 'extensions'),
    logFile: join(dir, 'server.log'),
    pidFile: join(dir, 'server.pid'),
  };
  mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  // Without a config file of our own, code-server writes one into the home folder.
  writeFileSync(profile.config, 'auth: none\ncert: false\n');
  writeFileSync(join(profile.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  return profile;
}

function baseArgs(profile) {
  return ['--config', profile.config, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

/** Installs a .vsix into the profile the way a user would (`--install-extension`). */
export function installVsix(profile, vsixPath) {
  if (!existsSync(vsixPath)) throw new CodeServerError(`no extension package at ${rel(vsixPath)}: run npm run package first`);
  const r = spawnSync(process.execPath, [entryScript, ...baseArgs(profile), '--install-extension', vsixPath, '--force'],
    { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: join(profile.dir, 'xdg') } });
  if (r.status !== 0) throw new CodeServerError(`code-server could not install ${rel(vsixPath)}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
}

/** Loads the source folder as an installed extension through a symlink (what `npm start` uses). */
export function linkExtension(profile, extensionPath) {
  const pkg = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8'));
  const link = join(profile.extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  rmSync(link, { recursive: true, force: true });
  symlinkSync(extensionPath, link, 'dir');
  // code-server trusts what extensions.json lists; a stale list would hide the link.
  rmSync(join(profile.extensionsDir, 'extensions.json'), { force: true });
  return link;
}

/**
 * Starts code-server on 127.0.0.1 in its own process group and waits for /healthz.
 * Returns { url, port, folderUrl(folder), stop() }; stop() kills the whole group.
 */
export async function launchCodeServer(profile, { workspace, port, locale, log = () => {}, timeoutMs = 60_000 } = {}) {
  if (!isCodeServerInstalled()) throw new CodeServerError('code-server is not installed: run node scripts/codeServer.mjs install');
  port ??= await freePort();
  const args = [entryScript, ...baseArgs(profile), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened'];
  // The display language (`ko`): what VS Code's --locale does, manifests and l10n bundles included.
  if (locale) args.push('--locale', locale);
  if (workspace) args.push(workspace);
  const out = openSync(profile.logFile, 'w');
  const child = spawn(process.execPath, args, {
    detached: true, // its own process group: `kill -- -PGID` takes its helpers down with it
    stdio: ['ignore', out, out],
    env: { ...process.env, XDG_CONFIG_HOME: join(profile.dir, 'xdg') },
  });
  closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; rmSync(profile.pidFile, { force: true }); });
  // Recorded so that a test run killed half-way can still stop the server (stopLeftoverServers).
  writeFileSync(profile.pidFile, String(child.pid));

  const stopSync = () => { killGroup(child.pid, 'SIGKILL'); };
  process.on('exit', stopSync);
  const server = {
    port,
    pid: child.pid,
    url: `http://127.0.0.1:${port}/`,
    folderUrl: (folder) => `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`,
    logFile: profile.logFile,
    async stop() {
      process.off('exit', stopSync);
      if (exited) return;
      killGroup(child.pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (!exited && Date.now() < deadline) await sleep(100);
      if (!exited) killGroup(child.pid, 'SIGKILL');
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      process.off('exit', stopSync);
      throw new CodeServerError(`code-server exited during start (${exited.code ?? exited.signal}); see ${rel(profile.logFile)}`);
    }
    if (await healthy(port)) break;
    if (Date.now() > deadline) {
      await server.stop();
      throw new CodeServerError(`code-server did not answer /healthz within ${timeoutMs / 1000} s; see ${rel(profile.logFile)}`);
    }
    await sleep(250);
  }
  log(`code-server ready at ${server.url}`);
  return server;
}

/**
 * Stops servers whose launcher died without stopping them (a test run killed on timeout).
 * `npm start`'s own profile is left alone: that server belongs to a person, not to a test.
 */
export function stopLeftoverServers({ keep = ['start'] } = {}) {
  const profiles = join(cacheRoot, 'profiles');
  if (!existsSync(profiles)) return;
  for (const name of readdirSync(profiles)) {
    const pidFile = join(profiles, name, 'server.pid');
    if (keep.includes(name) || !existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (Number.isInteger(pid) && pid > 1) killGroup(pid, 'SIGKILL');
    rmSync(pidFile, { force: true });
  }
}

async function healthy(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rel = (p) => (p.startsWith(repoRoot + '/') ? p.slice(repoRoot.length + 1) : p);

async function main(cmd) {
  try {
    if (cmd === 'install') await ensureCodeServer();
    else if (cmd === 'version') console.log(isCodeServerInstalled() ? CODE_SERVER_VERSION : 'not installed');
    else { console.error(`unknown command "${cmd}": use install or version`); process.exitCode = 2; }
  } catch (e) {
    console.error(e instanceof CodeServerError ? `error: ${e.message}` : e);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main(process.argv[2] ?? 'install');
