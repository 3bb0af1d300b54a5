/**
 * Keccak-256 specialised for the Merkle tree's fixed inputs (32 or 64 bytes,
 * one block): the permutation is generated once as straight-line code over
 * 32-bit halves held in local variables, and reads and writes little-endian
 * 32-bit words in place, with no allocation per hash. Checked against viem's
 * keccak256 in the tests.
 */

import { rotationOffsets, roundConstants } from "./keccak-rounds.ts";
import { createWasmKeccak, type KeccakWords } from "./keccak-wasm.ts";

export type { KeccakWords };

type Permute = KeccakWords;

/** Code for `dl, dh = rotl64(sl, sh, n)`. */
function rotl(dl: string, dh: string, sl: string, sh: string, n: number): string {
  if (n === 0) return `${dl}=${sl};${dh}=${sh};`;
  if (n === 32) return `${dl}=${sh};${dh}=${sl};`;
  if (n < 32) return `${dl}=(${sl}<<${n})|(${sh}>>>${32 - n});${dh}=(${sh}<<${n})|(${sl}>>>${32 - n});`;
  const m = n - 32;
  return `${dl}=(${sh}<<${m})|(${sl}>>>${32 - m});${dh}=(${sl}<<${m})|(${sh}>>>${32 - m});`;
}

function generate(): Permute {
  const rho = rotationOffsets();
  const lanes = [...Array(25).keys()];
  const decl: string[] = [];
  for (const i of lanes) decl.push(`a${i}l=0`, `a${i}h=0`, `b${i}l=0`, `b${i}h=0`);
  for (let x = 0; x < 5; x++) decl.push(`c${x}l=0`, `c${x}h=0`, `d${x}l=0`, `d${x}h=0`);
  let body = `let ${decl.join(",")};\n`;
  // Absorb: words beyond the input are zero; padding 0x01 after the input, 0x80 at byte 135.
  for (const i of lanes) {
    body += `if(${i}<lanesIn){a${i}l=input[inOffset+${2 * i}]|0;a${i}h=input[inOffset+${2 * i + 1}]|0;}\n`;
  }
  body += "a16h^=0x80000000;\n";
  body += "for(let r=0;r<48;r+=2){\n";
  for (let x = 0; x < 5; x++) {
    for (const h of ["l", "h"]) {
      body += `c${x}${h}=a${x}${h}^a${x + 5}${h}^a${x + 10}${h}^a${x + 15}${h}^a${x + 20}${h};`;
    }
  }
  body += "\n";
  for (let x = 0; x < 5; x++) {
    const p = (x + 4) % 5;
    const q = (x + 1) % 5;
    body += `d${x}l=c${p}l^((c${q}l<<1)|(c${q}h>>>31));d${x}h=c${p}h^((c${q}h<<1)|(c${q}l>>>31));`;
  }
  body += "\n";
  for (const i of lanes) body += `a${i}l^=d${i % 5}l;a${i}h^=d${i % 5}h;`;
  body += "\n";
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) {
      const from = x + 5 * y;
      const to = y + 5 * ((2 * x + 3 * y) % 5);
      body += rotl(`b${to}l`, `b${to}h`, `a${from}l`, `a${from}h`, rho[from] as number);
    }
  }
  body += "\n";
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      const i = x + 5 * y;
      const i1 = ((x + 1) % 5) + 5 * y;
      const i2 = ((x + 2) % 5) + 5 * y;
      body += `a${i}l=b${i}l^(~b${i1}l&b${i2}l);a${i}h=b${i}h^(~b${i1}h&b${i2}h);`;
    }
  }
  body += "\na0l^=RC[r];a0h^=RC[r+1];\n}\n";
  for (let i = 0; i < 4; i++) body += `out[outOffset+${2 * i}]=a${i}l;out[outOffset+${2 * i + 1}]=a${i}h;`;
  // One specialisation per input size: the absorb branches fold away at generation time.
  const specialise = (lanesIn: number) =>
    body
      .replace(/if\((\d+)<lanesIn\)\{([^}]*)\}\n/g, (_m, i: string, code: string) =>
        Number(i) < lanesIn ? `${code}\n` : "",
      )
      .replace("a16h^=0x80000000;", `a${lanesIn}l^=1;a16h^=0x80000000;`);
  const factory = new Function(
    "RC",
    `const p4=function(input,inOffset,out,outOffset){${specialise(4)}};` +
      `const p8=function(input,inOffset,out,outOffset){${specialise(8)}};` +
      "return function permute(input,inOffset,inWords,out,outOffset){" +
      "if(inWords===16)p8(input,inOffset,out,outOffset);else if(inWords===8)p4(input,inOffset,out,outOffset);" +
      "else throw new Error('keccak: input must be 8 or 16 words');};",
  );
  // Each 64-bit constant as its low and high 32-bit halves.
  const halves = roundConstants().flatMap((rc) => [Number(rc & 0xffffffffn) | 0, Number(rc >> 32n) | 0]);
  return factory(new Int32Array(halves)) as Permute;
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("keccak: a little-endian platform is required");
}

/** The JavaScript implementation (32-bit halves), also the fallback without WebAssembly. */
export const keccakWordsJs: Permute = generate();

/**
 * keccak256 of `inWords` (8 or 16, i.e. 32 or 64 bytes) little-endian 32-bit
 * words read from `input` at `inOffset`; the 8 digest words go to `out` at
 * `outOffset`. Views over the same buffer as Uint8Array give the byte order.
 */
export const keccakWords: Permute = (() => {
  try {
    return createWasmKeccak();
  } catch {
    return keccakWordsJs;
  }
})();

/** keccak256 of a 32- or 64-byte input, as 32 bytes. */
export function keccakSmall(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== 32 && bytes.length !== 64)
    throw new Error("keccakSmall: input must be 32 or 64 bytes");
  const input = new Uint32Array(16);
  new Uint8Array(input.buffer).set(bytes);
  const out = new Uint32Array(8);
  keccakWords(input, 0, bytes.length / 4, out, 0);
  return new Uint8Array(out.buffer);
}
