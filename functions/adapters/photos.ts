/**
 * Review photos: checked, re-encoded and stored in S3. sharp (libvips, prebuilt binaries from
 * npm) decodes the upload, so anything that is not a real JPEG, PNG or WebP image fails there,
 * whatever its name or declared type says. The output is a fresh encoding: EXIF (location,
 * camera), XMP, IPTC and ICC data are not copied (sharp writes no metadata unless asked), and
 * the EXIF orientation is applied to the pixels first so that dropping it turns nothing sideways.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PhotoService } from '../services/review-routes.js';

/** Longest side of a stored photo, in pixels. */
export const MAX_PHOTO_SIDE = 1600;
/** Decoding bombs: an image may declare at most this many pixels before sharp refuses it. */
const MAX_INPUT_PIXELS = 40_000_000;
const ACCEPTED = new Set(['jpeg', 'png', 'webp']);

type Sharp = typeof import('sharp').default;
let sharpModule: Promise<Sharp> | undefined;
// Loaded on the first upload: the pages function's other routes never pay for the native module.
const loadSharp = () => (sharpModule ??= import('sharp').then((m) => m.default));

export class S3PhotoService implements PhotoService {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async process(bytes: Uint8Array): Promise<{ ok: true; bytes: Uint8Array; contentType: string; width: number; height: number } | { ok: false; error: 'not_image' | 'too_large' }> {
    const sharp = await loadSharp();
    let format: string | undefined;
    try {
      format = (await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).format;
    } catch {
      return { ok: false, error: 'not_image' };
    }
    if (!format || !ACCEPTED.has(format)) return { ok: false, error: 'not_image' };
    try {
      const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
        .rotate()
        .resize({ width: MAX_PHOTO_SIDE, height: MAX_PHOTO_SIDE, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 82, mozjpeg: true })
        .toBuffer({ resolveWithObject: true });
      return { ok: true, bytes: new Uint8Array(data), contentType: 'image/jpeg', width: info.width, height: info.height };
    } catch (e) {
      const message = e instanceof Error ? e.message : '';
      return { ok: false, error: /pixel limit/i.test(message) ? 'too_large' : 'not_image' };
    }
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType }));
  }

  async get(key: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!res.Body) return undefined;
      return { bytes: await res.Body.transformToByteArray(), contentType: res.ContentType ?? 'image/jpeg' };
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw e;
    }
  }
}
