// `npm run package`: a production build, then the .vsix with @vscode/vsce, offline
// (--no-dependencies: everything that runs is bundled into dist/ by esbuild).
// The file list is set by .vscodeignore; test/vscode/e2e/package.test.ts checks it and the size.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer.mjs';

export const vsixPath = () => {
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return join(repoRoot, `${name}-${version}.vsix`);
};

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`error: ${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

if (process.argv[1] && process.argv[1].endsWith('package.mjs')) {
  run(process.execPath, ['esbuild.mjs', '--production']);
  const out = vsixPath();
  run(process.execPath, [join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies',
    // No public repository exists yet, so none is named (an invented URL would send users
    // nowhere); README image links stay relative, which the .vsix's README shows as text.
    '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out]);
  console.log(`packaged ${out.slice(repoRoot.length + 1)} (${(statSync(out).size / 1024).toFixed(0)} KB)`);
}
