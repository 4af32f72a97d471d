/**
 * How the training text becomes windows (char-rnn's batching, as the golden README states):
 * the training ids are cut into B contiguous streams of floor(n / B) ids each. Step s feeds
 * positions [s*T, s*T + T) of every stream and asks for the next character at each position
 * (targets shifted by one). Each stream's state is carried from one window to the next, so the
 * network sees its stream as one long text, while the gradient is cut at window boundaries.
 * A stream that has no room for another window (it needs T + 1 ids) wraps to its start with a
 * zero state.
 */

export function streamLength(trainLength: number, batch: number): number {
  return Math.floor(trainLength / batch);
}

/** True when a window starting at `position` would run past the stream's end (inputs and targets need T + 1 ids). */
export function mustWrap(position: number, seqLen: number, streamLen: number): boolean {
  return position + seqLen + 1 > streamLen;
}

/**
 * Writes a window's inputs and targets, time-major (row t*count + b), for `count` streams
 * starting at stream `first`, each at its own position.
 */
export function fillWindow(
  ids: Int32Array, targets: Int32Array, trainIds: Int32Array, streamLen: number, first: number, count: number, positions: Int32Array, seqLen: number,
): void {
  for (let b = 0; b < count; b++) {
    const start = (first + b) * streamLen + positions[b];
    for (let t = 0; t < seqLen; t++) {
      ids[t * count + b] = trainIds[start + t];
      targets[t * count + b] = trainIds[start + t + 1];
    }
  }
}
