// One build for every bundle: the extension host (vscode external), the training worker,
// the CLI, the webviews (browser IIFE + CSS) and the in-host test suite.
// `node esbuild.mjs` builds once; `--watch` rebuilds; `--production` minifies.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Logs in the `[watch] build started/finished` shape that VS Code's esbuild problem matcher reads. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => { if (watch) console.log('[watch] build started'); });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcherPlugin],
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
const browser = { ...common, platform: 'browser', format: 'iife', target: 'chrome120', loader: { '.png': 'dataurl', '.svg': 'dataurl' } };

/** Entries whose source does not exist yet are skipped, so the build works at every commit. */
const targets = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/worker/trainingWorker.ts'], outfile: 'dist/worker.js' },
  { ...node, entryPoints: ['src/worker/parallel/parallelWorker.ts'], outfile: 'dist/parallelWorker.js' },
  { ...node, entryPoints: ['src/worker/analysisWorker.ts'], outfile: 'dist/analysisWorker.js' },
  { ...node, entryPoints: ['src/worker/experimentWorker.ts'], outfile: 'dist/experimentWorker.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...browser, entryPoints: ['webview/panel/main.ts'], outfile: 'dist/webview/panel.js' },
  { ...browser, entryPoints: ['webview/gradient/main.ts'], outfile: 'dist/webview/gradient.js' },
  { ...browser, entryPoints: ['webview/insight/main.ts'], outfile: 'dist/webview/insight.js' },
  { ...browser, entryPoints: ['webview/units/main.ts'], outfile: 'dist/webview/units.js' },
  { ...browser, entryPoints: ['webview/experiment/main.ts'], outfile: 'dist/webview/experiment.js' },
  { ...node, entryPoints: ['test/vscode/suite/index.ts'], outfile: 'dist/test/suite.js', external: ['vscode', 'mocha'] },
].filter((t) => t.entryPoints.every((e) => existsSync(e)));

if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
