// Microbenchmark of the matrix kernels on the shapes the RNN step uses: the scalar JavaScript
// kernels (plain Float32Arrays) and the WebAssembly SIMD ones (the same call on arena arrays).
// Run: node --import tsx bench/kernels.ts [ABt|AB|AtB]   (prints GFLOP/s = 2·M·N·K / time)
import { matmulABt, matmulAB, matmulAtB } from '../src/engine/kernels/kernels';
import { SimdArena } from '../src/engine/kernels/simd/simdArena';

type Kernel = typeof matmulABt;
let arena: SimdArena | null = null;
function rand(n: number): Float32Array {
  const a = arena ? arena.alloc(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  return a;
}
function gflops(name: string, k: Kernel, M: number, N: number, K: number): void {
  const A = rand(M * K), B = rand(N * K), C = rand(M * N);
  const flop = 2 * M * N * K;
  const reps = Math.max(1, Math.round(2e8 / flop));
  for (let r = 0; r < reps; r++) k(C, 0, A, 0, B, 0, M, N, K, true); // warm-up
  const results: number[] = [];
  for (let t = 0; t < 5; t++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) k(C, 0, A, 0, B, 0, M, N, K, true);
    results.push((flop * reps) / ((performance.now() - t0) * 1e6));
  }
  results.sort((a, b) => a - b);
  console.log(`${arena ? 'simd  ' : 'scalar'} ${name.padEnd(4)} M=${String(M).padStart(4)} N=${String(N).padStart(4)} K=${String(K).padStart(4)}  ${results[2].toFixed(2)} GFLOP/s`);
}
const only = process.argv[2];
const shapes: Array<[string, Kernel, number, number, number]> = [
  ['ABt', matmulABt, 1, 512, 128], // LSTM forward, B=1: W_hh h
  ['ABt', matmulABt, 32, 512, 128], // LSTM forward, B=32
  ['ABt', matmulABt, 2048, 65, 128], // decoder over T·B rows
  ['AB', matmulAB, 1, 128, 512], // backward dh = δ W_hh
  ['AB', matmulAB, 32, 128, 512],
  ['AB', matmulAB, 2048, 128, 65], // decoder backward
  ['AtB', matmulAtB, 512, 128, 64], // dW_hh over T steps, B=1
  ['AtB', matmulAtB, 512, 128, 2048], // dW_hh over T·B
  ['AtB', matmulAtB, 512, 128, 1], // one outer product
];
for (const simd of [false, true]) {
  arena = simd ? SimdArena.create(1 << 24) : null;
  if (simd && !arena) console.log('(no WebAssembly SIMD on this host)');
  else for (const [name, k, M, N, K] of shapes) if (!only || only === name) gflops(name, k, M, N, K);
}
