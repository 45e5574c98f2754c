/** DynamoDB item sizes in its wire format, for the meter's estimates of what dynalite does not report. */
export type Json = Record<string, unknown>;

/** DynamoDB's item size: attribute names plus values (strings and binary by length, numbers ~1 byte per 2 digits). */
export function itemSize(item: Json | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value as Json);
  return size;
}

function valueSize(v: Json): number {
  const [type, val] = Object.entries(v)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(val));
    case 'N':
      return Math.ceil(String(val).replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
    case 'B':
      return Buffer.from(String(val), 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (val as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
    case 'NS':
      return (val as string[]).reduce((n, s) => n + valueSize({ N: s }), 0);
    case 'L':
      return 3 + (val as Json[]).reduce((n, x) => n + 1 + valueSize(x), 0);
    case 'M':
      return 3 + Object.keys(val as Json).length + itemSize(val as Json);
    default:
      return 0;
  }
}

