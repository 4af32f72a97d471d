/** The notation of maths.ts as page content: text nodes and sub and sup elements. */

import { mathParts } from './maths';

/** `text` as DOM nodes: text, and sub and sup elements (textContent only: no markup is ever parsed). */
export function mathNodes(text: string): Node[] {
  return mathParts(text).map((p) => {
    if (p.kind === 'text') return document.createTextNode(p.text);
    const e = document.createElement(p.kind);
    e.textContent = p.text;
    return e;
  });
}

/** Sets an element's content to `text` with its notation rendered. */
export function setMath(element: HTMLElement, text: string): void {
  element.replaceChildren(...mathNodes(text));
}
