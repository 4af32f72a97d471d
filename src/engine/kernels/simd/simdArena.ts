/**
 * Memory the SIMD kernels can reach.
 *
 * WebAssembly code sees only its own linear memory, so a kernel can run in SIMD only when all
 * its arrays live there. A SimdArena is one such memory, sized once for everything a pass
 * touches (a training run's parameters, gradients, optimizer slots and BPTT workspace; see
 * ../trainingMemory.ts) and handed out as ordinary Float32Array views. The engine keeps working
 * on those views as on any other array; kernels.ts, tensorOps.ts and optimizers.ts look at which
 * buffer a call's arrays belong to and send it to the arena's SIMD code when they share one
 * arena, to the scalar JavaScript otherwise (float64 gradient checks, arrays outside arenas).
 *
 * The memory never grows: growing a WebAssembly memory detaches every view made over it.
 */

import { KERNELS_WASM_HEX } from './kernelsWasm';

/** The compiled module's exports: byte addresses in, C written in place. */
export interface SimdKernels {
  matmulABt(c: number, a: number, b: number, M: number, N: number, K: number, acc: number): void;
  matmulAB(c: number, a: number, b: number, M: number, N: number, K: number, acc: number): void;
  matmulAtB(c: number, a: number, b: number, M: number, N: number, K: number, acc: number): void;
  /** In place over `rows` runs of `width` floats starting `stride` floats apart. */
  sigmoidRows(p: number, rows: number, stride: number, width: number): void;
  tanhRows(p: number, rows: number, stride: number, width: number): void;
  addColumnSums(dst: number, src: number, rows: number, cols: number): void;
  /** C[r, :] = Σ_{g < terms} s[g*R + r] · W[g*blockStride + r*n ..][0 .. n), rows cStride floats apart. */
  rowScaledSums(c: number, cStride: number, w: number, blockStride: number, s: number, R: number, n: number, terms: number): void;
  adamUpdate(w: number, g: number, m: number, v: number, n: number, step: number, sqrtBc2: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, eps: number): void;
}

// The engine is compiled without DOM or Node typings, so the little of the WebAssembly API it
// uses is described here and looked up on globalThis (absent in some hosts: then no SIMD).
interface WasmMemory { readonly buffer: ArrayBuffer }
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;
/** Each view starts on a 16-byte boundary: aligned vector loads. */
const ALIGN_FLOATS = 4;

let enabled = true;
let compiled: object | null | undefined;
const kernelsByBuffer = new WeakMap<ArrayBufferLike, SimdKernels>();

/** Off: every new arena is refused, so training runs on the scalar kernels (benchmarks compare both). */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/** True when this host runs WebAssembly SIMD (and it has not been switched off). */
export function simdAvailable(): boolean {
  return enabled && kernelModule() !== null;
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

function kernelModule(): object | null {
  if (compiled === undefined) {
    compiled = null;
    const api = wasmApi();
    try {
      const bytes = hexBytes(KERNELS_WASM_HEX);
      if (api && api.validate(bytes)) compiled = new api.Module(bytes);
    } catch {
      // A host without WebAssembly SIMD: the scalar kernels do the work.
    }
  }
  return compiled;
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(2 * i, 2), 16);
  return bytes;
}

/** Byte address of element `offset` of a float32 view into an arena, as the SIMD kernels take it. */
export function byteAddress(array: { byteOffset: number }, offset: number): number {
  return array.byteOffset + offset * 4;
}

/**
 * An allocator for `floats` float32 values: views into a fresh arena, or ordinary arrays when no
 * arena can be had (then the same code runs on the scalar kernels). `simd` says which.
 */
export function floatAllocator(floats: number): { alloc: (length: number) => Float32Array; simd: boolean } {
  const arena = SimdArena.create(floats);
  return arena !== null ? { alloc: arena.alloc, simd: true } : { alloc: (n) => new Float32Array(n), simd: false };
}

/** Floats `length` occupies in an arena (views are padded to the alignment). */
export function arenaFloats(length: number): number {
  return Math.ceil(length / ALIGN_FLOATS) * ALIGN_FLOATS;
}

/**
 * The SIMD kernels that can compute C from A and B, or undefined when the three do not all
 * live in one arena (then the caller uses the scalar kernels).
 */
export function simdKernelsFor(C: { buffer: ArrayBufferLike; BYTES_PER_ELEMENT: number }, A: { buffer: ArrayBufferLike }, B: { buffer: ArrayBufferLike }): SimdKernels | undefined {
  const buffer = C.buffer;
  if (A.buffer !== buffer || B.buffer !== buffer || C.BYTES_PER_ELEMENT !== 4) return undefined;
  return kernelsByBuffer.get(buffer);
}

/** The SIMD kernels that can work on `x` in place, or undefined when it is not in an arena. */
export function simdKernelsOf(x: { buffer: ArrayBufferLike; BYTES_PER_ELEMENT: number }): SimdKernels | undefined {
  return x.BYTES_PER_ELEMENT === 4 ? kernelsByBuffer.get(x.buffer) : undefined;
}

export class SimdArena {
  private next = 0;

  private constructor(private readonly memory: WasmMemory, readonly capacity: number) {}

  /**
   * An arena of `floats` float32 values, or null when SIMD is unavailable or the memory cannot
   * be had (then the caller allocates ordinary arrays and trains on the scalar kernels).
   */
  static create(floats: number): SimdArena | null {
    const api = wasmApi();
    const module = enabled ? kernelModule() : null;
    if (!api || !module) return null;
    const pages = Math.max(1, Math.ceil((floats * 4) / PAGE_BYTES));
    if (pages > MAX_PAGES) return null;
    try {
      const memory = new api.Memory({ initial: pages, maximum: pages });
      const instance = new api.Instance(module, { env: { memory } });
      kernelsByBuffer.set(memory.buffer, instance.exports as unknown as SimdKernels);
      return new SimdArena(memory, (pages * PAGE_BYTES) / 4);
    } catch {
      return null;
    }
  }

  /** Floats handed out so far: a mark to rewind to. */
  get used(): number {
    return this.next;
  }

  /**
   * Zeroes everything from `zeroFrom` on and hands out again what was allocated after `mark`, so
   * a pass repeated on the same shapes reuses memory that is already mapped (a fresh arena's
   * pages fault in one by one as the pass first touches them).
   */
  rewind(mark: number, zeroFrom = mark): void {
    if (mark > this.next || zeroFrom > this.next) throw new Error(`SIMD arena rewind past its end: ${Math.max(mark, zeroFrom)} > ${this.next}`);
    new Float32Array(this.memory.buffer, zeroFrom * 4, this.next - zeroFrom).fill(0);
    this.next = mark;
  }

  /** A zeroed view of `length` floats; throws if the arena was sized too small (a bug, not bad input). */
  readonly alloc = (length: number): Float32Array => {
    const start = this.next;
    const end = start + arenaFloats(length);
    if (end > this.capacity) throw new Error(`SIMD arena overflow: ${end} floats needed, ${this.capacity} reserved`);
    this.next = end;
    return new Float32Array(this.memory.buffer, start * 4, length);
  };
}
