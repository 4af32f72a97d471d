/**
 * Profiles cursor moves on the worst-case window (64 steps, 3 LSTM layers, 256 units) in headless
 * Chromium: the redraw's own time (the page's `data-cursor-redraw-ms`), the whole frame (input to
 * the next frame's start, so style, layout and paint are included), and a CPU profile of the
 * moves summarised by self time. A measurement, not a test: run with
 *   npx tsx test/webview/profileRedraw.ts [moves] [--cpu]
 */

import { Trainer } from '../../src/engine/training/trainer';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import { ENGLISH } from '../fixtures/traces/record';
import { startHarness, sessionFor } from './harness';
import { type PageGlobals } from './pageGlobals';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const moves = Number(process.argv[2] ?? 100);
  const cpu = process.argv.includes('--cpu');
  const timeline = process.argv.includes('--timeline');
  const trace = Trainer.create(ENGLISH, { ...DEFAULT_SETTINGS, cell: 'lstm', hidden: 256, layers: 3, seqLen: 64, batch: 1, seed: 1 }).trace(0);
  const h = await startHarness();
  try {
    const p = await h.open('panel');
    await p.setTheme('dark');
    await p.send(sessionFor(trace));
    await p.send({ type: 'progress', progress: { step: 1, loss: 4, valLoss: null, charsPerSec: 1000, state: 'paused' } });
    await p.sendTrace(trace);
    await p.settle();
    await p.settle();
    const session = await p.page.context().newCDPSession(p.page);
    if (cpu) { await session.send('Profiler.enable'); await session.send('Profiler.setSamplingInterval', { interval: 100 }); await session.send('Profiler.start'); }
    const events: { name: string; ph: string; dur?: number; tid: number; ts: number }[] = [];
    if (timeline) {
      session.on('Tracing.dataCollected', (e) => { events.push(...(e.value as unknown as typeof events)); });
      await session.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8', transferMode: 'ReportEvents' });
    }
    const redraw: number[] = [], frame: number[] = [];
    for (let i = 0; i < moves; i++) {
      if (i === moves / 2) { await p.page.click('#direction'); await p.settle(); }
      // Alternate long and short jumps so the graph pans as well as re-highlights.
      const key = i % 10 === 9 ? (i % 20 === 19 ? 'Home' : 'End') : i % 2 ? 'ArrowLeft' : 'ArrowRight';
      await p.page.focus('#t-next');
      const ms = await p.page.evaluate(async (k) => {
        const g = globalThis as unknown as PageGlobals & { performance: { now(): number }; document: { activeElement: { dispatchEvent(e: unknown): void } }; KeyboardEvent: new (t: string, o: unknown) => unknown };
        const t0 = g.performance.now();
        g.document.activeElement.dispatchEvent(new g.KeyboardEvent('keydown', { key: k, bubbles: true }));
        // The frame that draws the move, then the start of the next one: style, layout and paint are in between.
        await new Promise<void>((r) => g.requestAnimationFrame(() => g.requestAnimationFrame(() => r())));
        return g.performance.now() - t0;
      }, key);
      frame.push(ms);
      redraw.push(Number(await p.page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.dataset.cursorRedrawMs)));
    }
    if (cpu) {
      const { profile } = await session.send('Profiler.stop') as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const n = byId.get(id)!;
        const name = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      });
      const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
      console.log('CPU self time (ms) over all moves:');
      for (const [name, ms] of top) console.log(`  ${ms.toFixed(1).padStart(8)}  ${name}`);
    }
    if (timeline) {
      const done = new Promise<void>((r) => session.once('Tracing.tracingComplete', () => r()));
      await session.send('Tracing.end');
      await done;
      // Time per kind of renderer work over all moves (complete events only; nested ones overlap their parents).
      const byName = new Map<string, { ms: number; n: number; max: number }>();
      for (const e of events) {
        if (e.ph !== 'X' || !e.dur) continue;
        const s = byName.get(e.name) ?? { ms: 0, n: 0, max: 0 };
        s.ms += e.dur / 1000; s.n++; s.max = Math.max(s.max, e.dur / 1000);
        byName.set(e.name, s);
      }
      console.log('Timeline events (total ms, count, max ms):');
      for (const [name, s] of [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 22)) console.log(`  ${s.ms.toFixed(1).padStart(8)} ${String(s.n).padStart(6)} ${s.max.toFixed(1).padStart(7)}  ${name}`);
    }
    for (const [name, xs] of [['redraw (JS of the frame)', redraw], ['frame (input to next frame)', frame]] as const) {
      const s = [...xs].sort((a, b) => a - b);
      console.log(`${name}: median ${quantile(s, 0.5).toFixed(1)} ms, p95 ${quantile(s, 0.95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms over ${s.length} moves`);
    }
    await p.page.context().close();
  } finally {
    await h.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
