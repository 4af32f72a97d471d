/** Run Experiment's sentence states what was measured, whichever way it went. */

import { strict as assert } from 'node:assert';
import { experimentSentence, verdict, type CellOutcome } from '../../src/protocol/experimentSummary';
import { parseExperimentViewToHost, parseHostToExperimentView, validateExperimentWorkerToHost, type ExperimentViewState } from '../../src/protocol/experiment';
import { sentenceOfState } from '../../src/protocol/experimentSummary';
import { englishT as identity } from '../../src/protocol/strings';
const cell = (c: CellOutcome['cell'], memoryLoss: number | null, horizon: number, heldOutLoss = 2.01): CellOutcome => ({ cell: c, memoryLoss, heldOutLoss, horizon });
const LN8 = Math.log(8);

describe('Run Experiment sentence (src/protocol/experimentSummary.ts)', () => {
  it('names the cells that recall and the one that stays at chance, with their losses', () => {
    const s = experimentSentence({ task: { kind: 'lag', lag: 20 }, steps: 3000, chance: LN8, cells: [cell('rnn', 2.107, 3), cell('lstm', 0.0142, 41), cell('gru', 0.0231, 30)] }, identity);
    assert.equal(s, 'At lag 20 after 3,000 steps the LSTM (loss 0.01420) and the GRU (loss 0.02310) recall the symbol and the RNN (2.107 ≈ chance 2.079 (≈ ln 8)) does not. ' +
      'The gradient reaches back 3 steps for the RNN, 41 steps for the LSTM and 30 steps for the GRU.');
  });

  it('says so when the RNN learns the recall too (it sometimes does at lag 20)', () => {
    const s = experimentSentence({ task: { kind: 'lag', lag: 20 }, steps: 3000, chance: LN8, cells: [cell('rnn', 0.038, 5), cell('lstm', 0.02, 40), cell('gru', 1.1, 30)] }, identity);
    assert.match(s, /the RNN \(loss 0\.03800\) and the LSTM \(loss 0\.02000\) recall the symbol and the GRU \(loss 1\.100 against chance 2\.079 \(≈ ln 8\)\) gets part of the way\./);
    assert.doesNotMatch(s, /does not/);
  });

  it('says no cell beat chance when none did, and ranks held-out losses on a file', () => {
    assert.match(experimentSentence({ task: { kind: 'dyck1' }, steps: 10, chance: 0.5, cells: [cell('rnn', 0.49, 1), cell('lstm', 0.48, 1)] }, identity), /the RNN \(0\.4900 ≈ chance 0\.5000\) and the LSTM \(0\.4800 ≈ chance 0\.5000\) do no better than chance/);
    assert.match(experimentSentence({ task: { kind: 'file', fileName: 'a.txt' }, steps: 100, chance: null, cells: [cell('rnn', null, 1, 2.2), cell('gru', null, 2, 1.9)] }, identity),
      /^After 100 steps on a\.txt the held-out loss is lowest for the GRU \(1\.900\) and the RNN \(2\.200\)\./);
  });

  it('says "≈ chance" only near chance', () => {
    assert.match(experimentSentence({ task: { kind: 'lag', lag: 20 }, steps: 60, chance: 2.071, cells: [cell('rnn', 2.348, 18)] }, identity), /the RNN \(loss 2\.348 against chance 2\.071 \(≈ ln 8\)\) does no better than chance/);
  });

  it('draws the verdict lines at a quarter and 85% of chance', () => {
    assert.equal(verdict(0.5, 2.08), 'learned');
    assert.equal(verdict(1.0, 2.08), 'partly');
    assert.equal(verdict(1.8, 2.08), 'failed');
  });

  it('is worded by the page from the view state, which carries data only', () => {
    const point = (memoryLoss: number) => ({ step: 60, loss: 2, heldOutLoss: 2.01, memoryLoss });
    const result = (horizon: number) => ({ steps: 60, seconds: 1, params: 100, horizon, memorySpan: 1 });
    const state: ExperimentViewState = {
      type: 'experiment', task: { kind: 'lag', lag: 20 }, settings: { seed: 1, hidden: 32, seqLen: 40, batch: 16, optimizer: 'adam', lr: 0.002, clipNorm: 5 },
      chance: LN8, totalSteps: 60,
      cells: [
        { cell: 'rnn', status: 'done', points: [point(2.1)], result: result(3), error: null },
        { cell: 'lstm', status: 'done', points: [point(0.01)], result: result(41), error: null },
        { cell: 'gru', status: 'failed', points: [], result: null, error: 'The training worker crashed' },
      ],
    };
    assert.deepEqual(parseHostToExperimentView(JSON.parse(JSON.stringify(state))), state);
    assert.equal(sentenceOfState(state, identity), 'At lag 20 after 60 steps the LSTM (loss 0.01000) recalls the symbol and the RNN (2.100 ≈ chance 2.079 (≈ ln 8)) does not. The gradient reaches back 3 steps for the RNN and 41 steps for the LSTM.');
    assert.equal(sentenceOfState({ ...state, cells: [{ ...state.cells[0], status: 'training' }] }, identity), '', 'nothing until every cell has finished');
    assert.equal(sentenceOfState({ ...state, cells: [state.cells[2]] }, identity), 'No cell finished training.');
    assert.equal(parseHostToExperimentView({ ...state, task: { kind: 'lag', lag: -1 } }), null);
    assert.equal(parseHostToExperimentView({ ...state, settings: { ...state.settings, optimizer: 'rmsprop' } }), null);
  });

  it('refuses malformed worker and view messages', () => {
    assert.equal(validateExperimentWorkerToHost({ type: 'point', step: 0, loss: 1, heldOutLoss: 1, memoryLoss: null }), null);
    assert.equal(validateExperimentWorkerToHost({ type: 'done', steps: 1, seconds: 1, params: 1, horizon: 1, memorySpan: 1 }), null, 'no checkpoint');
    assert.ok(validateExperimentWorkerToHost({ type: 'point', step: 5, loss: 1, heldOutLoss: 1, memoryLoss: 0.5 }));
    assert.equal(parseExperimentViewToHost({ type: 'openCell', cell: 'transformer' }), null);
    assert.deepEqual(parseExperimentViewToHost({ type: 'openCell', cell: 'gru' }), { type: 'openCell', cell: 'gru' });
  });
});
