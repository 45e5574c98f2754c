/**
 * Colour contrast (WCAG 2.x relative luminance). A store picks its accent for its brand, not
 * for legibility: a yellow accent must not become yellow text on white or white text on yellow.
 */

function channels(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

function toHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two #rrggbb colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White when it passes AA (4.5) on the background, as brands expect; else whichever reads better. */
export function textOn(background: string): '#000000' | '#ffffff' {
  const white = contrastRatio(background, '#ffffff');
  return white >= 4.5 || white >= contrastRatio(background, '#000000') ? '#ffffff' : '#000000';
}

/**
 * The colour darkened just enough to reach the ratio against the background (AA for body text
 * is 4.5), keeping its hue so the brand stays recognisable.
 */
export function readableOn(color: string, background = '#ffffff', ratio = 4.5): string {
  let c = channels(color);
  for (let i = 0; i < 40 && contrastRatio(toHex(c), background) < ratio; i++) c = c.map((v) => v * 0.9) as [number, number, number];
  return toHex(c);
}
