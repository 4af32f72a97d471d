/**
 * The panel's header: what is training (file, cell, sizes), how it is going (step, losses,
 * chars/s), the training controls, and the timestep cursor with its spoken description.
 */

import { type SessionInfo, type ProgressInfo, type PanelAction, type CursorDirection } from '../../src/protocol/webview';
import { el, button } from '../shared/dom';
import { formatCount, formatLoss, formatSpeed, formatValidation, formatValue } from '../../src/protocol/format';

export interface CursorControls {
  move(t: number): void;
  setDirection(d: CursorDirection): void;
}

export class Header {
  readonly element: HTMLElement;
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

  constructor(onAction: (a: PanelAction) => void, private readonly cursor: CursorControls, private readonly getCursor: () => number) {
    this.playPause = button('Play', 'Play: continue training', () => onAction(this.training ? 'pause' : 'play'), 'primary');
    this.playPause.id = 'play-pause';
    this.stepBtn = button('Train One Step', 'Train one optimizer step', () => onAction('step'));
    this.stepBtn.id = 'train-step';
    this.stopBtn = button('Stop', 'Stop training', () => onAction('stop'));
    this.stopBtn.id = 'stop';
    this.slider = el('input', { attrs: { type: 'range', min: '0', max: '0', value: '0', id: 't-slider', 'aria-label': 'Timestep' } });
    this.slider.addEventListener('input', () => this.cursor.move(Number(this.slider.value)));
    const nav = (label: string, title: string, id: string, f: () => number): HTMLButtonElement => {
      const b = button(label, title, () => this.cursor.move(f()));
      b.id = id;
      return b;
    };
    this.dirBtn = button('Forward', 'Switch between forward (activations) and backward (gradients) stepping', () =>
      this.cursor.setDirection(this.direction === 'forward' ? 'backward' : 'forward'));
    this.dirBtn.id = 'direction';
    this.element = el('header', { className: 'header' }, [
      el('div', { className: 'row' }, [this.title, this.model, this.state]),
      el('div', { className: 'row' }, [this.stats]),
      el('div', { className: 'row controls', attrs: { role: 'toolbar', 'aria-label': 'Training' } }, [this.playPause, this.stepBtn, this.stopBtn]),
      el('div', { className: 'row controls', attrs: { role: 'toolbar', 'aria-label': 'Timestep cursor' } }, [
        nav('«', 'First timestep', 't-first', () => 0),
        nav('‹', 'Previous timestep', 't-prev', () => this.getCursor() - 1),
        this.slider,
        nav('›', 'Next timestep', 't-next', () => this.getCursor() + 1),
        nav('»', 'Last timestep', 't-last', () => this.steps - 1),
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
    this.model.textContent = `${s.settings.cell.toUpperCase()} · ${s.settings.layers} × ${s.settings.hidden} hidden · vocab ${s.vocabSize} · ${formatCount(s.paramCount)} params · T = ${s.settings.seqLen}, batch ${s.settings.batch}, ${s.settings.optimizer} lr ${formatValue(s.settings.lr)}`;
  }

  setProgress(p: ProgressInfo | null): void {
    this.training = p?.state === 'training';
    this.state.textContent = p ? p.state : 'no session';
    this.state.className = `badge ${p?.state ?? 'none'}`;
    if (p && this.training && p.charsPerSec > 0) this.lastRate = p.charsPerSec;
    this.stats.textContent = p
      ? `step ${formatCount(p.step)} · loss ${formatLoss(p.loss)} · ${formatValidation(p.valLoss, p.valStep)} · ${this.speed(p)}`
      : 'Waiting for a training session. Right-click a text file and choose Train Character Model.';
    this.playPause.textContent = this.training ? 'Pause' : 'Play';
    this.playPause.title = this.training ? 'Pause training' : 'Play: continue training';
    this.playPause.setAttribute('aria-label', this.playPause.title);
    this.playPause.disabled = !p || p.state === 'stopped' || p.state === 'failed';
    this.stepBtn.disabled = !p || this.training || p.state === 'stopped' || p.state === 'failed';
    this.stopBtn.disabled = !p || p.state === 'stopped' || p.state === 'failed';
  }

  /** The training speed as the status bar says it (one formatter for both: protocol/format.ts). */
  private speed(p: ProgressInfo): string {
    return formatSpeed({ state: p.state, charsPerSec: p.charsPerSec, lastRate: this.lastRate, threads: this.threads });
  }

  setCursor(t: number, steps: number, direction: CursorDirection, spoken: string): void {
    this.steps = steps;
    this.direction = direction;
    this.slider.max = String(steps - 1);
    this.slider.value = String(t);
    this.slider.setAttribute('aria-valuetext', `timestep ${t} of ${steps - 1}`);
    this.tLabel.textContent = `t = ${t} / ${steps - 1}`;
    this.dirBtn.textContent = direction === 'forward' ? 'Forward' : 'Backward';
    this.dirBtn.setAttribute('aria-pressed', String(direction === 'backward'));
    this.announce.textContent = spoken;
  }
}
