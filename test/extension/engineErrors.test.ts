/** The engine's and workers' errors reach a Korean user in Korean: codes mapped at the host boundary. */

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { INPUT_ERROR_CODES, InputError } from '../../src/engine/errors';
import { checkTrainable, decodeTextBytes } from '../../src/engine/text';
import { decodeCheckpoint } from '../../src/engine/io/checkpoint';
import { featureList, parseFeature } from '../../src/engine/analysis/features';
import { parseHold } from '../../src/engine/analysis/ablation';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import { RequestFailedError, validateWorkerToHost } from '../../src/protocol/worker';
import { codeText, errorText } from '../../src/extension/engineErrors';
import { messageOf } from '../../src/extension/userError';
import { l10n } from './fakeVscode';

const koBundle = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;

function thrown(f: () => unknown): InputError {
  try {
    f();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  assert.fail('no InputError');
}

describe('engine and worker errors in the display language (src/extension/engineErrors.ts)', () => {
  afterEach(() => l10n.useBundle(undefined));

  it('every input error code has its message, in Korean too, with every argument filled', () => {
    l10n.useBundle(koBundle);
    for (const code of INPUT_ERROR_CODES) {
      const args = { order: 'BE', offset: 7, byte: '0xff', vocab: 300, max: 256, length: 10, batch: 16, seqLen: 40, valFraction: 0.05, total: 700, count: 3, shown: '"é"', more: 2, what: 'hidden (64)', was: 100, now: 90, key: 'rnn_lens',
        detail: 'tensor x is missing', name: 'w', dtype: 'F16', spec: '"x"', syntax: '[h:|c:]LAYER:UNIT[=VALUE]', builtins: 'in-quotes', step: 12 };
      const text = codeText(code, args);
      assert.ok(text, `${code} has a message`);
      assert.match(text, /[가-힣]/, `${code} is Korean`);
      assert.doesNotMatch(text, /\{[a-z]+\}/i, `${code} fills its placeholders`);
    }
    for (const code of ['workerOutOfMemory', 'workerCrashed', 'workerExited', 'analysisCrashed', 'analysisExited', 'noAnswer']) {
      const text = codeText(code, { limit: 2048, detail: 'boom', code: 3, seconds: 10 });
      assert.ok(text && /[가-힣]/.test(text) && !/\{[a-z]+\}/i.test(text), `${code}: ${text}`);
    }
    assert.equal(codeText('workerOutOfMemory', { limit: 2048 }), '학습 워커의 메모리가 부족합니다(한도 2048 MB). hiddenSize, layers, batchSize 또는 seqLength를 줄여 보세요.');
    assert.equal(codeText('somethingNew'), null);
  });

  it('says the engine\'s own errors in Korean, and in English the engine\'s words exactly', () => {
    const empty = thrown(() => decodeTextBytes(new Uint8Array(0)));
    const binary = thrown(() => decodeTextBytes(new Uint8Array([0x61, 0, 0x62])));
    const short = thrown(() => checkTrainable('abcabc', DEFAULT_SETTINGS));
    for (const e of [empty, binary, short]) assert.equal(errorText(e), e.message, 'English: the engine\'s message');
    l10n.useBundle(koBundle);
    assert.equal(errorText(empty), '파일이 비어 있습니다. 학습할 텍스트가 없습니다.');
    assert.match(messageOf(binary), /^이진 파일로 보입니다\(오프셋 1에 NUL 바이트\)/);
    assert.match(messageOf(short), /^텍스트가 너무 짧습니다: 6자이지만, 배치 \d+ × \(seqLen \d+ \+ 1\)/);
  });

  it('says in Korean what is wrong with a damaged model file, a typed feature or a typed unit', () => {
    const damaged = thrown(() => decodeCheckpoint(new Uint8Array([1, 2, 3])));
    const feature = thrown(() => parseFeature('digits'));
    const regex = thrown(() => parseFeature('open=('));
    const twice = thrown(() => featureList([{ name: 'x', pattern: 'a' }, { name: 'x', pattern: 'b' }]));
    const hold = thrown(() => parseHold('layer one'));
    for (const e of [damaged, feature, regex, twice, hold]) assert.ok(e.code, `${e.message} has a code`);
    assert.equal(errorText(feature), feature.message, 'English: the engine\'s message');
    l10n.useBundle(koBundle);
    assert.match(errorText(damaged), /^파일이 손상되었거나 이 버전이 읽을 수 있는 RNN Lens 모델이 아닙니다 \(not a safetensors file: 3 bytes/);
    assert.equal(errorText(feature), '"digits"은(는) 특징이 아닙니다. 이름=정규식 형식으로 쓰세요. 예: digits=[0-9]+');
    assert.match(errorText(regex), /^특징 open: 정규식이 올바르지 않습니다 \(/);
    assert.equal(errorText(twice), 'x(이)라는 특징이 두 개입니다. 각각 다른 이름을 붙이세요');
    assert.match(errorText(hold), /^"layer one"은\(는\) 고정할 유닛이 아닙니다\. \[h:\|c:\]LAYER:UNIT\[=VALUE\] 형식으로/);
  });

  it('carries a worker error\'s code and arguments across the channel, and refuses malformed ones', () => {
    const m = validateWorkerToHost({ type: 'error', kind: 'input', message: 'The text is empty: there is nothing to train on.', code: 'textEmpty', args: {} });
    assert.ok(m && m.type === 'error');
    l10n.useBundle(koBundle);
    assert.equal(messageOf(new RequestFailedError(m.message, m.code, m.args)), '텍스트가 비어 있습니다. 학습할 것이 없습니다.');
    assert.equal(messageOf(new RequestFailedError('Something else went wrong.', 'notACode')), 'Something else went wrong.');
    assert.equal(validateWorkerToHost({ type: 'error', kind: 'input', message: 'x', code: 'textEmpty', args: { a: { nested: 1 } } }), null);
    assert.equal(validateWorkerToHost({ type: 'error', kind: 'input', message: 'x', code: 7 }), null);
  });
});
