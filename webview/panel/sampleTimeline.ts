/**
 * The panel's timeline of samples: what the model wrote as it trained (taken every
 * rnnLens.sampleEvery steps, and by Sample Text), each stamped with its step and training loss,
 * newest first, so a learner watches gibberish turn into words. The host keeps the timeline of
 * the session; a `samples` message replaces it whole, so a new session starts with its own.
 */

import { type TrainingSample } from '../../src/protocol/webview';
import { formatCount, formatLoss, formatTick } from '../../src/protocol/format';
import { t } from '../shared/strings';
import { el } from '../shared/dom';
import { visibleText } from '../shared/format';

export class SampleTimeline {
  readonly element = el('div', { className: 'samples', attrs: { id: 'samples' } });

  constructor() {
    this.set([]);
  }

  set(samples: readonly TrainingSample[]): void {
    if (samples.length === 0) {
      this.element.replaceChildren(el('p', { className: 'caption', text: t('panel.samples.none') }));
      return;
    }
    const items = [...samples].reverse().map((s) => {
      const stamp = [t('panel.samples.step', formatCount(s.step)), ...(s.loss !== null ? [t('panel.samples.loss', formatLoss(s.loss))] : []), t('panel.samples.temperature', formatTick(s.temperature)),
        ...(s.origin === 'command' ? [t('panel.samples.command')] : [])].join(' · ');
      return el('figure', { className: 'sample-item', attrs: { 'data-step': String(s.step) } }, [
        el('figcaption', { className: 'caption', text: stamp }),
        el('pre', { className: 'sample', text: visibleText(s.text), attrs: { 'aria-label': t('panel.samples.aria', formatCount(s.step)) } }),
      ]);
    });
    this.element.replaceChildren(...items);
  }
}
