/**
 * A reusable barrier for worker threads over shared memory: nobody passes `arriveAndWait` until
 * all `parties` have arrived. Used between the phases of a data-parallel step (gradients
 * written -> reduced and applied -> next step), so no messages cross threads inside a step.
 *
 * Two Int32 words in a SharedArrayBuffer: the arrival count and a generation number. The last
 * to arrive resets the count, bumps the generation and wakes the sleepers; everyone else
 * sleeps (Atomics.wait) until the generation changes. Bumping the generation is what makes the
 * barrier reusable: a fast thread that races into the next round sees a new generation.
 */
const COUNT = 0;
const GENERATION = 1;
export const BARRIER_WORDS = 2;

export class Barrier {
  private readonly words: Int32Array;

  constructor(buffer: SharedArrayBuffer, byteOffset: number, private readonly parties: number) {
    this.words = new Int32Array(buffer, byteOffset, BARRIER_WORDS);
  }

  arriveAndWait(): void {
    if (this.parties === 1) return;
    const generation = Atomics.load(this.words, GENERATION);
    if (Atomics.add(this.words, COUNT, 1) === this.parties - 1) {
      Atomics.store(this.words, COUNT, 0);
      Atomics.add(this.words, GENERATION, 1);
      Atomics.notify(this.words, GENERATION);
      return;
    }
    // A short spin first: at the end of a step the others are usually microseconds behind,
    // and waking from Atomics.wait costs tens of microseconds.
    for (let spin = 0; spin < 2000; spin++) {
      if (Atomics.load(this.words, GENERATION) !== generation) return;
    }
    while (Atomics.load(this.words, GENERATION) === generation) Atomics.wait(this.words, GENERATION, generation);
  }
}
