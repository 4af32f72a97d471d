/**
 * Log-axis ticks for the charts and colour keys, as pure numbers (no DOM, so the Node tests
 * import it): powers of ten, or 1-2-5 steps over a short range, and an axis range that holds at least two.
 */

/**
 * Ticks of a log axis (values, not exponents) between 10^lo and 10^hi: powers of ten, every
 * second or third one over many decades, and 1-2-5 steps when the range is under two decades.
 */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(lo), b = Math.ceil(hi);
  const decades = b - a;
  const inRange = (v: number): boolean => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
  if (decades <= 2) {
    const out: number[] = [];
    for (let e = a; e <= b; e++) for (const m of [1, 2, 5]) { const v = Number((m * 10 ** e).toPrecision(6)); if (inRange(v)) out.push(v); }
    if (out.length >= 2) return out;
  }
  const every = Math.max(1, Math.ceil(decades / 6));
  const out: number[] = [];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) if (e % every === 0) out.push(Number((10 ** e).toPrecision(6)));
  return out;
}

/** The 1-2-5 value at or below 10^e (`down`) or at or above it. */
function step125(e: number, down: boolean): number {
  const d = Math.floor(e);
  const steps = [1, 2, 5, 10].map((m) => Math.log10(m) + d);
  const k = down ? steps.filter((v) => v <= e + 1e-9).at(-1)! : steps.find((v) => v >= e - 1e-9)!;
  return Number((10 ** k).toPrecision(6));
}

/**
 * A log axis over [10^lo, 10^hi] (exponents) that has at least two ticks: when the data's range
 * holds fewer than two powers of ten or 1-2-5 values, it widens to the 1-2-5 values around it, so
 * a narrow range (Jacobian norms between 1.1 and 1.9) reads "1" and "2" rather than one lone tick.
 */
export function logAxis(lo: number, hi: number): { lo: number; hi: number; ticks: number[] } {
  const ticks = logTicks(lo, hi);
  if (ticks.length >= 2) return { lo, hi, ticks };
  const a = Math.log10(step125(lo, true)), b = Math.log10(step125(hi, false));
  return { lo: Math.min(lo, a), hi: Math.max(hi, b), ticks: logTicks(Math.min(lo, a), Math.max(hi, b)) };
}
