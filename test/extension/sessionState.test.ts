import { strict as assert } from 'node:assert';
import { SessionStateMachine, type SessionEvent } from '../../src/extension/sessionState';

describe('extension: session state machine', () => {
  const run = (...events: SessionEvent[]): SessionStateMachine => {
    const m = new SessionStateMachine();
    for (const e of events) assert.ok(m.apply(e), `event ${e} should apply in ${m.state}`);
    return m;
  };

  it('goes idle -> starting -> training -> paused -> training -> stopping -> stopped', () => {
    const m = new SessionStateMachine();
    const seen: string[] = [];
    m.onDidChange((s) => seen.push(s));
    for (const e of ['start', 'startedTraining', 'pause', 'resume', 'stop', 'stopped'] as SessionEvent[]) m.apply(e);
    assert.deepEqual(seen, ['starting', 'training', 'paused', 'training', 'stopping', 'stopped']);
    assert.ok(m.isFinished);
  });

  it('starts paused for a loaded model', () => {
    assert.equal(run('start', 'startedPaused').state, 'paused');
  });

  it('refuses moves that make no sense, without changing state', () => {
    const m = new SessionStateMachine();
    assert.equal(m.apply('pause'), false);
    assert.equal(m.apply('resume'), false);
    assert.equal(m.state, 'idle');
    const training = run('start', 'startedTraining');
    assert.equal(training.apply('resume'), false);
    assert.equal(training.apply('start'), false);
    assert.equal(training.state, 'training');
  });

  it('fails from any live state (worker crash, non-finite loss), and a finished session stays finished', () => {
    for (const path of [['start'], ['start', 'startedTraining'], ['start', 'startedPaused'], ['start', 'startedTraining', 'stop']] as SessionEvent[][]) {
      const m = run(...path);
      assert.ok(m.apply('fail'));
      assert.equal(m.state, 'failed');
      for (const e of ['start', 'resume', 'pause', 'stop', 'stopped', 'fail'] as SessionEvent[]) assert.equal(m.apply(e), false);
    }
  });

  it('can be cancelled while starting', () => {
    assert.equal(run('start', 'stop', 'stopped').state, 'stopped');
  });

  it('reports liveness', () => {
    assert.equal(new SessionStateMachine().isLive, false);
    assert.ok(run('start').isLive);
    assert.ok(run('start', 'startedTraining').isLive);
    assert.equal(run('start', 'startedTraining', 'stop').isLive, false);
  });
});
