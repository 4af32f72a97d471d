/**
 * A list that is one tab stop: Tab enters it at its current item, the arrow keys, Home and End
 * move between its items, and Tab leaves it (a roving tabindex). A list of a dozen lines is then
 * one stop on the way through the page, not a dozen, and each item still gets the focus (and is
 * read with its description) when the user goes into the list.
 */

export class RovingList {
  private index = 0;

  constructor(private readonly list: HTMLElement) {
    list.addEventListener('keydown', (e) => this.onKey(e));
    list.addEventListener('click', (e) => {
      const i = this.items().indexOf((e.target as HTMLElement).closest('li') as HTMLElement);
      if (i >= 0) this.move(i, false);
    });
  }

  /** After the items were replaced: one of them (the current one, or the first) takes the tab stop. */
  reset(): void {
    this.move(Math.min(this.index, Math.max(0, this.items().length - 1)), false);
  }

  private items(): HTMLElement[] {
    return Array.from(this.list.children).filter((c): c is HTMLElement => c instanceof HTMLElement);
  }

  private move(i: number, focus: boolean): void {
    const items = this.items();
    if (items.length === 0) return;
    this.index = Math.max(0, Math.min(items.length - 1, i));
    items.forEach((item, j) => { item.tabIndex = j === this.index ? 0 : -1; });
    if (focus) items[this.index].focus();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const last = this.items().length - 1;
    const to = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? this.index + 1
      : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? this.index - 1
        : e.key === 'Home' ? 0 : e.key === 'End' ? last : null;
    if (to === null) return;
    e.preventDefault();
    // The panel's own arrow keys (the timestep cursor) are not for this list's items.
    e.stopPropagation();
    this.move(to, true);
  }
}
