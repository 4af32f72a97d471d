/**
 * Skip links: a row of links to the page's sections (each a landmark: a <section> named by its
 * heading, see dom.ts section()), first in the tab order and shown while one has the focus, so a
 * keyboard user reaches any section in a few key presses instead of tabbing through every control
 * before it. Following one moves the focus into the section, not only the scroll position (which
 * is all VS Code's webview host does with a fragment link).
 */

import { el } from './dom';
import { t } from './strings';

export function skipLinks(sections: readonly HTMLElement[]): HTMLElement {
  const links = sections.map((s) => {
    const a = el('a', { className: 'skip-link', text: s.querySelector('h2')?.textContent ?? s.id, attrs: { href: `#${s.id}` } });
    a.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      if (s.tabIndex < 0 && !s.hasAttribute('tabindex')) s.tabIndex = -1;
      s.focus({ preventScroll: true });
      s.scrollIntoView({ block: 'start' });
    });
    return el('li', {}, [a]);
  });
  return el('nav', { className: 'skip-links', attrs: { 'aria-label': t('skipLinks.label') } }, [el('ul', {}, links)]);
}
