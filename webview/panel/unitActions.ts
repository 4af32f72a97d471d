/**
 * The heatmap's selected unit, and what can be done to it from here (issue 16): Ablate (held at 0),
 * Hold at… (the host asks the value) and Sample held, each run by the host's own command on this
 * unit. The bar sits under the maps, so it is reached with Tab from a focused map, or straight
 * away with the context-menu key, Shift+F10 or a right-click on a unit row (heatmap.ts).
 */

import { type HeatmapUnitAction } from '../../src/protocol/webview';
import { button, el } from '../shared/dom';
import { t } from '../shared/strings';
import { formatCount } from '../../src/protocol/format';

export interface UnitTarget { readonly layer: number; readonly unit: number; readonly state: 'h' | 'c' }

const ACTIONS: readonly [HeatmapUnitAction, string, (name: string) => string][] = [
  ['ablate', t('unitBar.ablate'), (n) => t('unitBar.ablate.title', n)],
  ['hold', t('unitBar.hold'), (n) => t('unitBar.hold.title', n)],
  ['sample', t('unitBar.sample'), (n) => t('unitBar.sample.title', n)],
];

export class UnitActionBar {
  readonly element: HTMLElement;
  private readonly label: HTMLElement;
  private readonly buttons: HTMLButtonElement[];
  private target: UnitTarget | null = null;

  constructor(onAction: (action: HeatmapUnitAction, target: UnitTarget) => void) {
    this.label = el('span', { className: 'unit-bar-label', attrs: { id: 'unit-bar-label' } });
    this.buttons = ACTIONS.map(([action, text]) => {
      const b = button(text, text, () => { if (this.target) onAction(action, this.target); });
      b.dataset.action = action;
      return b;
    });
    this.element = el('div', { className: 'row controls unit-bar', attrs: { role: 'toolbar', id: 'unit-actions', 'aria-labelledby': 'unit-bar-label' } }, [this.label, ...this.buttons]);
    this.element.addEventListener('keydown', (e) => this.arrows(e));
    this.set(null);
  }

  /** The selected unit (null: none yet) as the map shows it: c when the map shows an LSTM's cell state, else h. */
  set(target: UnitTarget | null): void {
    this.target = target;
    const name = target ? `${target.state} ${target.layer}:${target.unit}` : '';
    this.label.textContent = target ? t('unitBar.unit', name) : t('unitBar.none');
    this.label.title = target ? t(target.state === 'c' ? 'unitBar.unit.c' : 'unitBar.unit.h', formatCount(target.layer), formatCount(target.unit)) : '';
    this.element.dataset.unit = name;
    ACTIONS.forEach(([, , title], i) => {
      const b = this.buttons[i];
      b.hidden = !target;
      b.title = target ? title(name) : '';
      b.setAttribute('aria-label', target ? title(name) : b.textContent ?? '');
    });
  }

  /** Moves the keyboard into the bar (the map's context-menu key); false when there is no unit to act on. */
  focus(): boolean {
    if (!this.target) return false;
    this.buttons[0].focus();
    return true;
  }

  /** Left and right move between the buttons, as in any toolbar. */
  private arrows(e: KeyboardEvent): void {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const i = this.buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    e.preventDefault();
    const n = this.buttons.length;
    this.buttons[(i + (e.key === 'ArrowRight' ? 1 : n - 1)) % n].focus();
  }
}
