// A generated training text of a given size, the same for a given seed: English-like sentences
// (words of varied length, punctuation, line breaks, numbers) that a character model can learn
// something from, for the big-model end-to-end test and the long-session script. Not a corpus:
// a size and a character mix a user's own text might have, made without downloading anything.

const WORDS = ('the of and to in is was he for it with as his on be at by had not are but from or have an they which one you were her all ' +
  'she there would their we him been has when who will more no if out so said what up its about into than them can only other new some ' +
  'could time these two may then do first any my now such like our over man me even most made after also did many before must through ' +
  'years where much your way well down should because each just those people how too little state good very make world still own see ' +
  'men work long get here between both life being under never day same another know while last might us great old year off come since ' +
  'against go came right used take three river garden lantern morning quietly harbour winter letters window journey measured').split(' ');

/** A small deterministic generator (mulberry32), so every run trains on the same text. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About `chars` characters (ASCII, so as many bytes) of sentences in lines of at most ~80 characters. */
export function generatedText(chars, seed = 1) {
  const next = random(seed);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const parts = [];
  let length = 0;
  let line = 0;
  while (length < chars) {
    const n = 4 + Math.floor(next() * 12);
    const words = Array.from({ length: n }, () => pick(WORDS));
    if (next() < 0.1) words[Math.floor(next() * n)] = String(Math.floor(next() * 1000));
    words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    const sentence = `${words.join(next() < 0.15 ? ', ' : ' ')}${pick(['.', '.', '.', '?', '!', ';'])} `;
    if (line + sentence.length > 80) {
      parts.push('\n');
      length += 1;
      line = 0;
    }
    parts.push(sentence);
    length += sentence.length;
    line += sentence.length;
  }
  return parts.join('').slice(0, chars);
}
