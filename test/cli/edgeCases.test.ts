/**
 * The CLI against awkward input a new user will try: negative numbers as flag values, UTF-16
 * files, oversized texts, texts a checkpoint's vocabulary does not cover, and --json runs that
 * fail (stdout must stay JSON lines).
 */

import * as assert from 'node:assert/strict';
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_TEXT_BYTES } from '../../src/cli/files';
import { EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from '../../src/cli/io';
import { decodeCheckpoint } from '../../src/engine/io/checkpoint';
import { assertOneLineError, GOLDEN, runIn, smallText, useTempDir } from './helpers';

const FAST = ['--cell', 'lstm', '--hidden', '8', '--seq-len', '16', '--batch', '4'];

describe('cli edge cases', () => {
  const dir = useTempDir();
  before(() => {
    writeFileSync(join(dir(), 'small.txt'), smallText());
    writeFileSync(join(dir(), 'one.txt'), 'x'.repeat(500));
    writeFileSync(join(dir(), 'short.txt'), 'abcabc');
    writeFileSync(join(dir(), 'extra.txt'), `${smallText()}ZZZ 한국어 😀\n`);
    writeFileSync(join(dir(), 'crlf.txt'), 'line one\r\nline two\r\n'.repeat(40));
    const utf16 = Buffer.from(`\ufeff${smallText()}`, 'utf16le');
    writeFileSync(join(dir(), 'utf16.txt'), utf16);
    // A sparse file just over the limit: refused from its size, before anything is read.
    const fd = openSync(join(dir(), 'huge.txt'), 'w');
    ftruncateSync(fd, MAX_TEXT_BYTES + 1);
    closeSync(fd);
  });

  it('takes negative numbers as flag values (--forget-bias -2)', async () => {
    const r = await runIn(dir(), ['train', 'small.txt', ...FAST, '--forget-bias', '-2', '--steps', '1', '--out', 'neg.safetensors', '--json']);
    assert.equal(r.code, EXIT_OK, r.stderr);
    assert.equal(decodeCheckpoint(readFileSync(join(dir(), 'neg.safetensors'))).resume?.settings.forgetBias, -2);
    assertOneLineError(await runIn(dir(), ['sample', 'neg.safetensors', '--temperature', '-1']), EXIT_USAGE, /--temperature must be a number from 0 to 100 \(got "-1"\)/);
  });

  it('names the file and says what to do for UTF-16, oversized, uniform and too-short texts', async () => {
    const cases: [string[], RegExp][] = [
      [['train', 'utf16.txt', ...FAST], /^rnn-lens train: utf16.txt: The file is UTF-16 \(little-endian byte-order mark\), not UTF-8; save it as UTF-8/],
      [['train', 'huge.txt', ...FAST], /^rnn-lens train: huge.txt is too large \(32 MB; the limit for a text file is 32 MB\); use a part of it, e.g. head -n/],
      [['eval', join(GOLDEN, 'rnn-hello.safetensors'), 'huge.txt'], /huge.txt is too large/],
      [['train', 'one.txt', ...FAST], /^rnn-lens train: one.txt: The text has fewer than 2 distinct characters/],
      [['train', 'short.txt', ...FAST], /^rnn-lens train: short.txt: The text is too short: 6 characters/],
    ];
    for (const [argv, pattern] of cases) assertOneLineError(await runIn(dir(), argv), EXIT_INPUT, pattern);
  });

  it('says it is reading a large text before the wait, except in --json mode', async () => {
    writeFileSync(join(dir(), 'large.txt'), 'a'.repeat(4 * 1024 * 1024));
    const r = await runIn(dir(), ['train', 'large.txt', ...FAST]);
    assert.equal(r.code, EXIT_INPUT);
    assert.deepEqual(r.stderr.split('\n').filter(Boolean).map((l) => l.replace(/:.*/, '')), ['reading large.txt (4 MB)...', 'rnn-lens train']);
    const json = await runIn(dir(), ['train', 'large.txt', ...FAST, '--json']);
    assertOneLineError(json, EXIT_INPUT, /fewer than 2 distinct characters/);
  });

  it('--init and --resume name the characters a checkpoint vocabulary lacks', async () => {
    assert.equal((await runIn(dir(), ['train', 'small.txt', ...FAST, '--steps', '1', '--out', 'base.safetensors', '--json'])).code, EXIT_OK);
    assertOneLineError(
      await runIn(dir(), ['train', 'extra.txt', '--init', 'base.safetensors', '--steps', '1']),
      EXIT_INPUT,
      /extra.txt has 5 characters \("Z", "국", "어", "한", "😀"\) that the vocabulary of base.safetensors lacks; --init needs/,
    );
    assertOneLineError(
      await runIn(dir(), ['train', 'extra.txt', '--resume', 'base.safetensors', '--steps', '1']),
      EXIT_INPUT,
      /base.safetensors was trained on a different text: extra.txt has 5 characters .* outside its vocabulary; resume with the original file/,
    );
  });

  it('a Ctrl-C heard before the first step saves nothing (an untrained model replaces no checkpoint)', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runIn(dir(), ['train', 'small.txt', ...FAST, '--out', 'untouched.safetensors', '--json'], { interrupt: controller.signal });
    assert.equal(r.code, EXIT_INTERRUPTED);
    const summary = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
    assert.deepEqual([summary.event, summary.checkpoint, summary.steps, summary.interrupted], ['summary', null, 0, true]);
    assert.ok(!existsSync(join(dir(), 'untouched.safetensors')));
    const text = await runIn(dir(), ['train', 'small.txt', ...FAST, '--out', 'untouched.safetensors'], { interrupt: controller.signal });
    assert.match(text.stdout, /interrupted before the first step; nothing saved/);
  });

  it('a time budget takes at least one step', async () => {
    const r = await runIn(dir(), ['train', 'small.txt', ...FAST, '--seconds', '0.001', '--out', 'quick.safetensors', '--json']);
    assert.equal(r.code, EXIT_OK, r.stderr);
    assert.equal(decodeCheckpoint(readFileSync(join(dir(), 'quick.safetensors'))).resume?.step, JSON.parse(r.stdout.trim().split('\n').at(-1)!).totalSteps);
    assert.ok(JSON.parse(r.stdout.trim().split('\n').at(-1)!).steps >= 1);
  });

  it('eval names the file whose characters the model does not know', async () => {
    assertOneLineError(await runIn(dir(), ['eval', join(GOLDEN, 'rnn-hello.safetensors'), 'crlf.txt']), EXIT_INPUT, /^rnn-lens eval: crlf.txt: The text has \d+ characters the model does not know/);
  });

  it('keeps --json output JSON on every line when the command fails', async () => {
    for (const [argv, code] of [
      [['train', 'small.txt', '--hidden', '0', '--json'], EXIT_USAGE],
      [['train', 'utf16.txt', '--json'], EXIT_INPUT],
      [['eval', join(GOLDEN, 'rnn-hello.safetensors'), 'crlf.txt', '--json'], EXIT_INPUT],
      [['info', 'missing.safetensors', '--json'], EXIT_INPUT],
    ] as [string[], number][]) {
      const r = await runIn(dir(), argv);
      assertOneLineError(r, code);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, 1, r.stdout);
      const error = JSON.parse(lines[0]) as { event: string; exitCode: number; message: string };
      assert.equal(error.event, 'error');
      assert.equal(error.exitCode, code);
      assert.ok(r.stderr.includes(error.message), 'the same message as on stderr');
    }
    const plain = await runIn(dir(), ['train', 'utf16.txt']);
    assert.equal(plain.stdout, '', 'without --json, errors go to stderr only');
  });

  it('trains on CRLF text and shows the carriage return in info', async () => {
    assert.equal((await runIn(dir(), ['train', 'crlf.txt', ...FAST, '--steps', '1', '--out', 'crlf.safetensors', '--json'])).code, EXIT_OK);
    const info = await runIn(dir(), ['info', 'crlf.safetensors']);
    assert.match(info.stdout, /vocabulary {3}10 characters: \\n \\r ␠ e i l n o t w/);
  });

  it('shows how far a long evaluation is on a terminal, and nothing of it off a terminal', async () => {
    const letters = 'helo';
    let text = '';
    for (let i = 0; i < 60_000; i++) text += letters[(i * 7 + (i >> 3)) % 4];
    writeFileSync(join(dir(), 'hello.txt'), text);
    const argv = ['eval', join(GOLDEN, 'rnn-hello.safetensors'), 'hello.txt'];
    const tty = await runIn(dir(), argv, { isTTY: true });
    assert.equal(tty.code, EXIT_OK, tty.stderr);
    assert.match(tty.stderr, /\revaluating hello.txt: 50%/);
    assert.ok(tty.stderr.endsWith('100%\r\x1b[K'), 'the progress line is cleared at the end');
    const piped = await runIn(dir(), argv);
    assert.equal(piped.stderr, '');
    assert.equal(piped.stdout, tty.stdout);
  });
});
