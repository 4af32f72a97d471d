/**
 * Tiny DOM builders. Every piece of text goes in through textContent (never innerHTML), so text
 * from the user's file can never become markup.
 */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string; attrs?: Record<string, string> } = {},
  children: readonly Node[] = [],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.title !== undefined) e.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) e.appendChild(c);
  return e;
}

export function button(label: string, title: string, onClick: () => void, className = ''): HTMLButtonElement {
  const b = el('button', { text: label, title, className, attrs: { type: 'button', 'aria-label': title } });
  b.addEventListener('click', onClick);
  return b;
}

/** A titled section with a heading that screen readers can jump to. */
export function section(id: string, heading: string, children: readonly Node[] = []): HTMLElement {
  const s = el('section', { className: 'card', attrs: { id, 'aria-labelledby': `${id}-h` } });
  s.appendChild(el('h2', { text: heading, attrs: { id: `${id}-h` } }));
  for (const c of children) s.appendChild(c);
  return s;
}

export function select(label: string, options: readonly [string, string][], value: string, onChange: (v: string) => void): HTMLLabelElement {
  const s = el('select');
  for (const [v, text] of options) s.appendChild(el('option', { text, attrs: { value: v } }));
  s.value = value;
  s.addEventListener('change', () => onChange(s.value));
  return el('label', { className: 'control' }, [document.createTextNode(label + ' '), s]);
}

export function checkbox(label: string, checked: boolean, onChange: (v: boolean) => void): HTMLLabelElement {
  const c = el('input', { attrs: { type: 'checkbox' } });
  c.checked = checked;
  c.addEventListener('change', () => onChange(c.checked));
  return el('label', { className: 'control' }, [c, document.createTextNode(' ' + label)]);
}

/** Prefers reduced motion: no animated transitions (the views then jump straight to the end state). */
export function reducedMotion(): boolean {
  // VS Code's own "reduce motion" setting marks the webview's body; the OS setting comes through the media query.
  if (document.body.classList.contains('vscode-reduce-motion')) return true;
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
