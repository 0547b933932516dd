// Deterministic file content, the same in the page (to upload) and in Node (to compare
// with what the server stored): xorshift32 words seeded by `seed`.
export function content(size, seed = 1) {
  const bytes = new Uint8Array(size);
  const words = new Uint32Array(bytes.buffer, 0, size >>> 2);
  let x = Math.imul(seed, 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    words[i] = x;
  }
  for (let i = words.length * 4; i < size; i++) bytes[i] = (i * 7 + seed) & 255;
  return bytes;
}
