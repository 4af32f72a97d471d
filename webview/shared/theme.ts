/**
 * Colours for canvases. Canvas drawing cannot use CSS variables, so the `--vscode-*` values are
 * read with getComputedStyle and re-read whenever VS Code switches theme (it changes the body's
 * class: vscode-light, vscode-dark, vscode-high-contrast).
 */

export interface Theme {
  readonly kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  /** A high-contrast theme: no dimming, no fills that carry meaning alone, borders everywhere. */
  readonly contrast: boolean;
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly border: string;
  readonly focus: string;
  readonly grid: string;
  /** Series colours (VS Code's chart palette). */
  readonly blue: string;
  readonly red: string;
  readonly green: string;
  readonly orange: string;
  readonly purple: string;
  readonly yellow: string;
  /** The two ends and the middle of the diverging scale, as RGB triples. */
  readonly negative: readonly [number, number, number];
  readonly positive: readonly [number, number, number];
  readonly neutral: readonly [number, number, number];
  readonly font: string;
}

function kindOf(body: HTMLElement): Theme['kind'] {
  if (body.classList.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (body.classList.contains('vscode-high-contrast')) return 'high-contrast';
  if (body.classList.contains('vscode-light')) return 'light';
  return 'dark';
}

/** Parses `#rgb`, `#rrggbb(aa)` and `rgb(a)(...)` into RGB; null when it cannot. */
export function parseColor(c: string): [number, number, number] | null {
  const s = c.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as [number, number, number];
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as [number, number, number];
  m = /^rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return null;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const kind = kindOf(document.body);
  const dark = kind === 'dark' || kind === 'high-contrast';
  const contrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const background = v('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff');
  const foreground = v('--vscode-editor-foreground', dark ? '#d4d4d4' : '#1f1f1f');
  const blue = v('--vscode-charts-blue', dark ? '#3794ff' : '#1a85ff');
  const red = v('--vscode-charts-red', dark ? '#f14c4c' : '#e51400');
  return {
    kind,
    contrast,
    background,
    foreground,
    muted: v('--vscode-descriptionForeground', dark ? '#9d9d9d' : '#616161'),
    // High contrast themes outline everything in contrastBorder and mark the active thing in contrastActiveBorder.
    border: (contrast && v('--vscode-contrastBorder', '')) || v('--vscode-panel-border', dark ? '#3c3c3c' : '#d4d4d4'),
    focus: (contrast && v('--vscode-contrastActiveBorder', '')) || v('--vscode-focusBorder', dark ? '#007fd4' : '#0090f1'),
    grid: contrast ? (dark ? 'rgba(255,255,255,0.3)' : 'rgba(0,0,0,0.3)') : dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.08)',
    blue,
    red,
    green: v('--vscode-charts-green', dark ? '#89d185' : '#388a34'),
    orange: v('--vscode-charts-orange', dark ? '#d18616' : '#d18616'),
    purple: v('--vscode-charts-purple', dark ? '#b180d7' : '#652d90'),
    yellow: v('--vscode-charts-yellow', dark ? '#cca700' : '#bf8803'),
    negative: parseColor(blue) ?? [26, 133, 255],
    positive: parseColor(red) ?? [229, 20, 0],
    neutral: parseColor(background) ?? (dark ? [30, 30, 30] : [255, 255, 255]),
    font: v('--vscode-font-family', 'system-ui, sans-serif'),
  };
}

/** Calls `onChange` with the new theme whenever the body's class changes. */
export function watchTheme(onChange: (t: Theme) => void): void {
  new MutationObserver(() => onChange(readTheme())).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
