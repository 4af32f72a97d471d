/**
 * The engine counts characters as code points; an editor counts UTF-16 units (an emoji is two).
 * This index converts between the two for a fixed text without walking the whole text each time:
 * it remembers the UTF-16 offset of every STRIDE-th code point and walks at most STRIDE from there.
 */

const STRIDE = 1024;

export class CodePointIndex {
  /** checkpoints[k] = UTF-16 offset of code point k * STRIDE. */
  private readonly checkpoints: number[] = [];
  readonly codePointLength: number;

  constructor(private readonly text: string) {
    let cp = 0;
    for (let i = 0; i < text.length; cp++) {
      if (cp % STRIDE === 0) this.checkpoints.push(i);
      i += isHighSurrogateAt(text, i) ? 2 : 1;
    }
    this.codePointLength = cp;
  }

  /** UTF-16 offset of code point `index` (clamped to the text). */
  utf16Offset(index: number): number {
    if (index <= 0) return 0;
    if (index >= this.codePointLength) return this.text.length;
    const k = Math.floor(index / STRIDE);
    let i = this.checkpoints[k];
    for (let cp = k * STRIDE; cp < index; cp++) i += isHighSurrogateAt(this.text, i) ? 2 : 1;
    return i;
  }

  /** UTF-16 length of the character that starts at code point `index`. */
  charLength(index: number): number {
    return isHighSurrogateAt(this.text, this.utf16Offset(index)) ? 2 : 1;
  }

  /** Code point index of the character containing UTF-16 offset `offset` (clamped). */
  codePointAt(offset: number): number {
    if (offset <= 0) return 0;
    if (offset >= this.text.length) return this.codePointLength;
    // Binary search the last checkpoint at or before offset, then walk.
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.checkpoints[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    let i = this.checkpoints[lo];
    let cp = lo * STRIDE;
    while (true) {
      const next = i + (isHighSurrogateAt(this.text, i) ? 2 : 1);
      if (next > offset) return cp;
      i = next;
      cp++;
    }
  }
}

function isHighSurrogateAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return false;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}
