/**
 * The panel's header: what is training (file, cell, sizes), how it is going (step, losses,
 * chars/s), the training controls, and the timestep cursor with its spoken description.
 */

import { type SessionInfo, type ProgressInfo, type PanelAction, type CursorDirection, type SessionActivity } from '../../src/protocol/webview';
import { el, button } from '../shared/dom';
import { formatCount, formatLoss, formatSpeed, formatState, formatValidation, formatValue } from '../../src/protocol/format';
import { t } from '../shared/strings';

export interface CursorControls {
  move(t: number): void;
  setDirection(d: CursorDirection): void;
}

export class Header {
  readonly element: HTMLElement;
  // eslint-disable-next-line no-restricted-syntax -- the product's name reads the same in every language
  private readonly title = el('h1', { text: 'RNN Lens' });
  private readonly model = el('span', { className: 'model' });
  private readonly stats = el('span', { className: 'stats', attrs: { id: 'progress-text' } });
  private readonly state = el('span', { className: 'badge', attrs: { id: 'train-state' } });
  private readonly playPause: HTMLButtonElement;
  private readonly stepBtn: HTMLButtonElement;
  private readonly stopBtn: HTMLButtonElement;
  private readonly slider: HTMLInputElement;
  private readonly dirBtn: HTMLButtonElement;
  private readonly tLabel = el('output', { className: 't-label', attrs: { id: 't-label' } });
  /** The spoken text of the current timestep (polite live region). */
  readonly announce = el('p', { className: 'announce', attrs: { id: 'announce', 'aria-live': 'polite', 'aria-atomic': 'true' } });
  private training = false;
  /** The last chars/s measured while training (kept through a pause). */
  private lastRate = 0;
  private direction: CursorDirection = 'forward';
  private steps = 1;
  private threads = 1;
  private progress: ProgressInfo | null = null;
  /** What is under way that the state does not say (a start's step, a pause not yet confirmed). */
  private activity: SessionActivity | null = null;
  /** False until the host has said anything: a page that has just loaded claims nothing (not even "no session"). */
  private heard = false;

  constructor(onAction: (a: PanelAction) => void, private readonly cursor: CursorControls, private readonly getCursor: () => number) {
    this.playPause = button(t('panel.play'), t('panel.play.title'), () => onAction(this.training ? 'pause' : 'play'), 'primary');
    this.playPause.id = 'play-pause';
    this.stepBtn = button(t('panel.step'), t('panel.step.title'), () => onAction('step'));
    this.stepBtn.id = 'train-step';
    this.stopBtn = button(t('panel.stop'), t('panel.stop.title'), () => onAction('stop'));
    this.stopBtn.id = 'stop';
    this.slider = el('input', { attrs: { type: 'range', min: '0', max: '0', value: '0', id: 't-slider', 'aria-label': t('panel.timestep') } });
    this.slider.addEventListener('input', () => this.cursor.move(Number(this.slider.value)));
    const nav = (label: string, title: string, id: string, f: () => number): HTMLButtonElement => {
      const b = button(label, title, () => this.cursor.move(f()));
      b.id = id;
      return b;
    };
    this.dirBtn = button(t('panel.forward'), t('panel.direction.title'), () =>
      this.cursor.setDirection(this.direction === 'forward' ? 'backward' : 'forward'));
    this.dirBtn.id = 'direction';
    this.element = el('header', { className: 'header' }, [
      el('div', { className: 'row' }, [this.title, this.model, this.state]),
      el('div', { className: 'row' }, [this.stats]),
      el('div', { className: 'row controls', attrs: { role: 'toolbar', 'aria-label': t('panel.toolbar.training') } }, [this.playPause, this.stepBtn, this.stopBtn]),
      el('div', { className: 'row controls', attrs: { role: 'toolbar', 'aria-label': t('panel.toolbar.cursor') } }, [
        nav('«', t('panel.first'), 't-first', () => 0),
        nav('‹', t('panel.prev'), 't-prev', () => this.getCursor() - 1),
        this.slider,
        nav('›', t('panel.next'), 't-next', () => this.getCursor() + 1),
        nav('»', t('panel.last'), 't-last', () => this.steps - 1),
        this.tLabel,
        this.dirBtn,
      ]),
      this.announce,
    ]);
    this.setProgress(null);
  }

  setSession(s: SessionInfo): void {
    this.threads = s.threads;
    this.title.textContent = s.fileName;
    this.title.title = s.fileName;
    this.model.textContent = t('panel.model', s.settings.cell.toUpperCase(), s.settings.layers, s.settings.hidden, s.vocabSize, formatCount(s.paramCount), s.settings.seqLen, s.settings.batch, s.settings.optimizer, formatValue(s.settings.lr));
  }

  setProgress(p: ProgressInfo | null): void {
    if (p) this.heard = true;
    this.progress = p;
    this.render();
  }

  /**
   * While a session starts, the header says which step it is at (and nothing of the session
   * before it); while a pause is on its way, "pausing…" until the worker confirms it.
   */
  setActivity(activity: SessionActivity | null, fileName: string): void {
    if (activity === 'reading') {
      this.progress = null;
      this.title.textContent = fileName;
      this.title.title = fileName;
      this.model.textContent = '';
    }
    this.activity = activity;
    this.heard = true;
    this.render();
  }

  private render(): void {
    const p = this.progress;
    const activity = this.activity;
    const starting = activity !== null && activity !== 'pausing';
    this.training = p?.state === 'training';
    this.state.hidden = !this.heard;
    this.state.textContent = activity ? t(`panel.activity.${activity}`) : p ? formatState(p.state) : this.heard ? t('panel.noSession') : '';
    this.state.className = `badge ${activity ? 'busy' : p?.state ?? 'none'}`;
    if (p && this.training && p.charsPerSec > 0) this.lastRate = p.charsPerSec;
    this.stats.textContent = starting ? t('panel.activity.starting', this.title.textContent ?? '', t(`panel.activity.${activity}`))
      : p ? t('panel.stats', formatCount(p.step), formatLoss(p.loss), formatValidation(p.valLoss, p.valStep), this.speed(p))
        : this.heard ? t('panel.waiting') : '';
    const pausing = activity === 'pausing';
    this.playPause.textContent = pausing ? t('panel.activity.pausingButton') : this.training ? t('panel.pause') : t('panel.play');
    this.playPause.title = this.training ? t('panel.pause.title') : t('panel.play.title');
    this.playPause.setAttribute('aria-label', pausing ? t('panel.activity.pausingButton') : this.playPause.title);
    const ended = !p || p.state === 'stopped' || p.state === 'failed';
    this.playPause.disabled = starting || pausing || ended;
    this.stepBtn.disabled = starting || pausing || ended || this.training;
    // A start can be stopped at any of its steps.
    this.stopBtn.disabled = !starting && ended;
  }

  /** The training speed as the status bar says it (one formatter for both: protocol/format.ts). */
  private speed(p: ProgressInfo): string {
    return formatSpeed({ state: p.state, charsPerSec: p.charsPerSec, lastRate: this.lastRate, threads: this.threads });
  }

  setCursor(at: number, steps: number, direction: CursorDirection, spoken: string): void {
    this.steps = steps;
    this.direction = direction;
    this.slider.max = String(steps - 1);
    this.slider.value = String(at);
    this.slider.setAttribute('aria-valuetext', t('panel.valuetext', at, steps - 1));
    this.tLabel.textContent = `t = ${at} / ${steps - 1}`;
    this.dirBtn.textContent = direction === 'forward' ? t('panel.forward') : t('panel.backward');
    this.dirBtn.setAttribute('aria-pressed', String(direction === 'backward'));
    this.announce.textContent = spoken;
  }
}
