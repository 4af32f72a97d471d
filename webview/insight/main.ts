/**
 * The Insight panel's page: the latest What If…, Why This Prediction? and Ablate Unit answers,
 * each in its own section, redrawn on a theme change. Everything shown comes from validated host
 * messages; text from the user's file goes in through textContent only.
 */

import './insight.css';
import { parseHostToInsight, type HostToInsight } from '../../src/protocol/insight';
import { formatCount } from '../../src/protocol/format';
import { el } from '../shared/dom';
import { t } from '../shared/strings';
import { readTheme, watchTheme, type Theme } from '../shared/theme';
import { postToHost } from './host';
import { WhatIfSection } from './whatIfView';
import { WhySection } from './whyView';
import { AblationSection } from './ablationView';

let theme: Theme = readTheme();
const app = document.getElementById('app')!;
app.replaceChildren();
app.setAttribute('aria-busy', 'false');

const busy = el('p', { className: 'busy caption', attrs: { id: 'insight-busy', 'aria-live': 'polite' } });
const empty = el('p', { className: 'insight-empty waiting', text: t('insight.empty') });
const whatIf = new WhatIfSection();
const why = new WhySection((mode) => postToHost({ type: 'whyMode', mode }));
const ablation = new AblationSection();
app.append(el('h1', { text: t('insight.title') }), busy, empty, whatIf.element, why.element, ablation.element);

function receive(message: HostToInsight): void {
  switch (message.type) {
    case 'busy':
      busy.textContent = message.total > 0 ? t('insight.busy', message.task, Math.round((100 * message.done) / message.total), formatCount(message.total)) : '';
      return;
    case 'whatIfNotice':
      empty.hidden = true;
      whatIf.showNotice(message.text);
      bringIntoView(whatIf.element);
      return;
    case 'whatIf':
      empty.hidden = true;
      whatIf.show(message, theme);
      bringIntoView(whatIf.element);
      return;
    case 'why':
      empty.hidden = true;
      why.show(message, theme);
      bringIntoView(why.element);
      return;
    case 'ablation':
      empty.hidden = true;
      ablation.show(message);
      bringIntoView(ablation.element);
      return;
  }
}

/** The section just answered is the one the user asked about: scroll it to the top when it changes. */
let lastShown: HTMLElement | null = null;
function bringIntoView(section: HTMLElement): void {
  if (section === lastShown) return;
  lastShown = section;
  section.scrollIntoView({ block: 'start' });
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostToInsight(event.data);
  if (message) receive(message);
});

watchTheme((next) => {
  theme = next;
  whatIf.draw(theme);
  why.draw(theme);
});
window.addEventListener('resize', () => {
  whatIf.draw(theme);
  why.draw(theme);
});

postToHost({ type: 'ready' });
