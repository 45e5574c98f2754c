/**
 * JSON.parse that keeps integers too large for a double exact, as strings. Shopify ids are
 * 64-bit integers sent as JSON numbers (its own test payloads use ids such as
 * 820982911946154508); JSON.parse would round them and an order id would stop matching the
 * order_id of its fulfillments. Node 20 has no JSON.parse source-text access, so unsafe
 * integer literals are quoted before parsing, outside string literals only.
 */

/** Parses JSON text, returning integers beyond Number.MAX_SAFE_INTEGER as decimal strings. */
export function parseJsonKeepingBigInts(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = endOfString(text, i);
      continue;
    }
    const startsNumber = c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39);
    if (!startsNumber) {
      i += 1;
      continue;
    }
    let end = i + 1;
    while (end < text.length && /[0-9eE.+-]/.test(text.charAt(end))) end += 1;
    const literal = text.slice(i, end);
    if (/^-?\d{16,}$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
      out += `${text.slice(copiedUpTo, i)}"${literal}"`;
      copiedUpTo = end;
    }
    i = end;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/** Index just past the closing quote of the string literal opening at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 2;
    else if (c === 0x22) return i + 1;
    else i += 1;
  }
  // Unterminated: leave it for JSON.parse to reject.
  return text.length;
}
