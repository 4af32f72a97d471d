import { strict as assert } from 'node:assert';
import { FeatureStore, type FeatureMemento } from '../../src/extension/featureStore';
import { MAX_FEATURES } from '../../src/protocol/analysis';
import { BUILTIN_FEATURES } from '../../src/engine/analysis/features';

/** A workspaceState as VS Code keeps it: values go through JSON. */
class FakeMemento implements FeatureMemento {
  readonly values = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const v = this.values.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

describe('extension: Find Units features kept per training file', () => {
  const a = 'file:///w/a.txt';
  const b = 'file:///w/b.js';

  it('gives back what was saved, per file, in order, after a new store on the same memento (a window reload)', async () => {
    const memento = new FakeMemento();
    const store = new FeatureStore(memento);
    await store.save(a, [{ name: 'digits', pattern: '[0-9]+' }, { name: 'vowels', pattern: '[aeiou]' }]);
    await store.save(b, [{ name: 'arrow', pattern: '=>' }]);
    const reloaded = new FeatureStore(memento);
    assert.deepEqual(reloaded.load(a), [{ name: 'digits', pattern: '[0-9]+' }, { name: 'vowels', pattern: '[aeiou]' }]);
    assert.deepEqual(reloaded.load(b), [{ name: 'arrow', pattern: '=>' }], 'a pattern with = in it survives');
    assert.deepEqual(reloaded.load('file:///w/other.txt'), []);
  });

  it('removing the last feature removes the key', async () => {
    const memento = new FakeMemento();
    const store = new FeatureStore(memento);
    await store.save(a, [{ name: 'digits', pattern: '[0-9]+' }]);
    assert.equal(memento.values.size, 1);
    await store.save(a, []);
    assert.equal(memento.values.size, 0);
    assert.deepEqual(store.load(a), []);
  });

  it('drops what would be refused as input: bad patterns, built-in or repeated names, junk, more than the limit', async () => {
    const memento = new FakeMemento();
    const key = `rnnLens.findUnits.features:${a}`;
    await memento.update(key, [
      { name: 'ok', pattern: 'x+' }, { name: 'broken', pattern: '(' }, { name: 'in-quotes', pattern: '"' }, { name: 'ok', pattern: 'y' },
      { name: 7, pattern: 'z' }, null, 'digits=[0-9]', { name: '', pattern: 'q' },
      ...Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, pattern: `${i}` })),
    ]);
    const loaded = new FeatureStore(memento).load(a);
    assert.equal(loaded[0].name, 'ok');
    assert.equal(loaded.filter((f) => f.name === 'ok').length, 1);
    assert.ok(!loaded.some((f) => f.name === 'broken' || f.name === 'in-quotes' || f.name === ''));
    assert.equal(loaded.length + BUILTIN_FEATURES.length, MAX_FEATURES, 'no more features than a Find Units job takes');
    await memento.update(key, { not: 'a list' });
    assert.deepEqual(new FeatureStore(memento).load(a), []);
  });
});
