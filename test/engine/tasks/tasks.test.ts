import * as assert from 'node:assert/strict';
import { bigramLoss, generateTask, meanAtPositions, TASK_NAMES } from '../../../src/engine/tasks/tasks';

const lines = (text: string) => text.split('\n').slice(0, -1);

/** Depths after each character of a bracket line, and whether it closes in the right order. */
function balanced(line: string, pairs: Record<string, string>): { ok: boolean; maxDepth: number } {
  const stack: string[] = [];
  let maxDepth = 0;
  for (const ch of line) {
    if (ch in pairs) stack.push(pairs[ch]);
    else if (stack.pop() !== ch) return { ok: false, maxDepth };
    maxDepth = Math.max(maxDepth, stack.length);
  }
  return { ok: stack.length === 0, maxDepth };
}

describe('tasks: generated texts that test memory', () => {
  it('the same options give the same text; another seed another text', () => {
    for (const name of TASK_NAMES) {
      const a = generateTask(name, { lines: 200, seed: 5 });
      assert.equal(a.text, generateTask(name, { lines: 200, seed: 5 }).text, name);
      assert.deepEqual(a.memoryPositions, generateTask(name, { lines: 200, seed: 5 }).memoryPositions, name);
      assert.notEqual(a.text, generateTask(name, { lines: 200, seed: 6 }).text, name);
      assert.equal(lines(a.text).length, 200, name);
      assert.ok(a.text.endsWith('\n'));
    }
  });

  it('lag: every line matches ([a-h])[0-9]{K}\\?\\1, symbols and digits all used; the memory positions are the recalls', () => {
    const t = generateTask('lag', { lines: 2000, seed: 1, lag: 20 });
    const re = /^([a-h])[0-9]{20}\?\1$/;
    for (const line of lines(t.text)) assert.match(line, re);
    assert.equal(new Set(lines(t.text).map((l) => l[0])).size, 8);
    assert.equal(new Set(t.text.replace(/[^0-9]/g, '')).size, 10);
    const chars = Array.from(t.text);
    assert.equal(t.memoryPositions.length, 2000);
    for (const p of t.memoryPositions) {
      assert.equal(chars[p - 1], '?');
      assert.equal(chars[p], chars[p - 22]);
    }
    // Uniform symbols: the memoryless loss is ln 8 up to sampling noise.
    assert.ok(Math.abs(t.memorylessLoss - Math.log(8)) < 0.01, String(t.memorylessLoss));
    assert.equal(lines(generateTask('lag', { lines: 3, seed: 1, lag: 0 }).text).every((l) => /^([a-h])\?\1$/.test(l)), true);
  });

  it('dyck1 and dyck2: balanced lines within the depth limit, 1 to --length pairs; dyck2 memory = the closers', () => {
    for (const [name, pairs] of [['dyck1', { '(': ')' }], ['dyck2', { '(': ')', '[': ']' }]] as const) {
      const t = generateTask(name, { lines: 1000, seed: 3, depth: 3, length: 6 });
      let deepest = 0;
      for (const line of lines(t.text)) {
        const b = balanced(line, pairs);
        assert.ok(b.ok, `${name}: ${line} is balanced`);
        assert.ok(line.length >= 2 && line.length <= 12, line);
        deepest = Math.max(deepest, b.maxDepth);
      }
      assert.equal(deepest, 3, `${name} reaches the depth limit and never passes it`);
      const chars = Array.from(t.text);
      if (name === 'dyck2') {
        assert.deepEqual(Array.from(t.memoryPositions), chars.flatMap((ch, i) => (ch === ')' || ch === ']' ? [i] : [])));
        assert.equal(new Set(chars).size, 5);
      } else {
        // Every newline is a memory position (the depth is 0); no character right after a newline is.
        const set = new Set(t.memoryPositions);
        chars.forEach((ch, i) => {
          if (ch === '\n') assert.ok(set.has(i));
          if (i > 0 && chars[i - 1] === '\n') assert.ok(!set.has(i));
        });
      }
      assert.ok(t.memorylessLoss > 0.3, `${name}: a memoryless model cannot know the depth (${t.memorylessLoss})`);
    }
  });

  it('copy: string, |, the same string; memory = the copy', () => {
    const t = generateTask('copy', { lines: 500, seed: 2, length: 7 });
    for (const line of lines(t.text)) {
      const m = /^([a-h]{1,7})\|([a-h]{1,7})$/.exec(line);
      assert.ok(m && m[1] === m[2], line);
    }
    const chars = Array.from(t.text);
    const expected: number[] = [];
    let after = false;
    chars.forEach((ch, i) => {
      if (ch === '|') after = true;
      else if (ch === '\n') after = false;
      else if (after) expected.push(i);
    });
    assert.deepEqual(Array.from(t.memoryPositions), expected);
  });

  it('refuses options out of range', () => {
    assert.throws(() => generateTask('lag', { lines: 0, seed: 1 }), /lines must be/);
    assert.throws(() => generateTask('dyck1', { lines: 5, seed: 1, depth: 0 }), /depth must be/);
    assert.throws(() => generateTask('copy', { lines: 5, seed: 1, length: 1.5 }), /length must be/);
  });

  it('bigramLoss and meanAtPositions by hand', () => {
    // After 'a': 'b' twice, 'c' once.
    const chars = Array.from('abacab');
    assert.ok(Math.abs(bigramLoss(chars, [1]) - Math.log(3 / 2)) < 1e-12);
    assert.ok(Math.abs(bigramLoss(chars, [1, 3]) - (Math.log(3 / 2) + Math.log(3)) / 2) < 1e-12);
    assert.equal(meanAtPositions([1, 2, 3, 4], [1, 3]), 2); // positions 1 and 3: losses[0] and losses[2]
  });
});
