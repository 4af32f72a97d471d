// Draws media/icon.png (128x128): an RNN unrolled through three timesteps (inputs below, hidden
// states linked by the recurrent edge, outputs above) seen through a lens. Plain shapes rasterized
// with 4x4 supersampling and written as a PNG with node:zlib, so no image tooling is needed.
//   node scripts/drawIcon.mjs [out.png]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { repoRoot } from './codeServer.mjs';

const SIZE = 128;
const SS = 4; // samples per axis per pixel

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), 255];
const BACKGROUND_TOP = hex('#1f2a44');
const BACKGROUND_BOTTOM = hex('#101624');
const EDGE = hex('#8aa4c8');
const HIDDEN = hex('#3ec6b0');
const INPUT = hex('#f2c14e');
const OUTPUT = hex('#f28f5c');
const LENS = hex('#ffffff');

// Signed-distance style predicates: each returns true when (x, y) lies inside the shape.
const roundedSquare = (r) => (x, y) => {
  const dx = Math.max(Math.abs(x - 64) - (64 - r), 0);
  const dy = Math.max(Math.abs(y - 64) - (64 - r), 0);
  return dx * dx + dy * dy <= r * r;
};
const disc = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r, w) => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) <= w / 2;
const segment = (x1, y1, x2, y2, w) => (x, y) => {
  const vx = x2 - x1, vy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * vx + (y - y1) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - (x1 + t * vx), y - (y1 + t * vy)) <= w / 2;
};
const box = (cx, cy, half) => (x, y) => Math.abs(x - cx) <= half && Math.abs(y - cy) <= half;

const columns = [30, 64, 98];
const H_Y = 66, X_Y = 104, Y_Y = 28;
/** Painter's order: later shapes cover earlier ones. */
const shapes = [];
for (const cx of columns) {
  shapes.push([segment(cx, X_Y, cx, H_Y, 4), EDGE]); // x_t -> h_t
  shapes.push([segment(cx, H_Y, cx, Y_Y, 4), EDGE]); // h_t -> y_t
}
shapes.push([segment(columns[0], H_Y, columns[2], H_Y, 5), EDGE]); // h_{t-1} -> h_t, shared W_hh
for (const cx of columns) {
  shapes.push([box(cx, X_Y, 7), INPUT]);
  shapes.push([disc(cx, Y_Y, 7), OUTPUT]);
  shapes.push([disc(cx, H_Y, 12), HIDDEN]);
}
// The lens over the middle timestep, its handle towards the lower right.
shapes.push([ring(64, H_Y, 22, 5), LENS]);
shapes.push([segment(80, H_Y + 16, 96, H_Y + 32, 8), LENS]);

const inside = roundedSquare(22);
const pixels = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const x = px + (sx + 0.5) / SS, y = py + (sy + 0.5) / SS;
        if (!inside(x, y)) continue;
        const t = y / SIZE;
        let c = BACKGROUND_TOP.map((v, i) => v + (BACKGROUND_BOTTOM[i] - v) * t);
        for (const [hit, colour] of shapes) if (hit(x, y)) c = colour;
        for (let i = 0; i < 3; i++) acc[i] += c[i] * 255; // premultiplied by full alpha
        acc[3] += 255;
      }
    }
    const o = (py * SIZE + px) * 4;
    const a = acc[3] / (SS * SS);
    for (let i = 0; i < 3; i++) pixels[o + i] = a > 0 ? Math.round(acc[i] / acc[3]) : 0;
    pixels[o + 3] = Math.round(a);
  }
}

writeFileSync(process.argv[2] ?? join(repoRoot, 'media', 'icon.png'), encodePng(SIZE, SIZE, pixels));

function encodePng(width, height, rgba) {
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
