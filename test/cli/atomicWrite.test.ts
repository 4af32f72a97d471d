import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/common/atomicWrite';
import { useTempDir } from './helpers';

describe('writeFileAtomic (src/common)', () => {
  const dir = useTempDir();

  it('creates a file, then replaces it whole, leaving no temporary file', () => {
    const path = join(dir(), 'model.safetensors');
    writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
    writeFileSync(join(dir(), 'unrelated.txt'), 'x');
    writeFileAtomic(path, new Uint8Array(100_000).fill(7));
    assert.equal(readFileSync(path).length, 100_000);
    assert.deepEqual(readdirSync(dir()).sort(), ['model.safetensors', 'unrelated.txt']);
  });

  it('throws the file-system error and leaves the old file intact when the write cannot happen', () => {
    const path = join(dir(), 'keep.bin');
    writeFileAtomic(path, Uint8Array.from([9]));
    assert.throws(() => writeFileAtomic(join(dir(), 'missing-folder', 'x.bin'), Uint8Array.from([1])), /ENOENT/);
    // Renaming onto a folder fails after the temporary file was written: it must be cleaned up.
    assert.throws(() => writeFileAtomic(dir(), Uint8Array.from([1])));
    assert.deepEqual([...readFileSync(path)], [9]);
    assert.ok(!readdirSync(join(dir(), '..')).some((f) => f.includes('.tmp-') && f.startsWith(`.${dir().split('/').pop()}`)));
  });
});
