// Types for scripts/generatedText.mjs, so the TypeScript end-to-end tests use it checked.
/** About `chars` characters (ASCII) of English-like sentences, the same for a given seed. */
export declare function generatedText(chars: number, seed?: number): string;
