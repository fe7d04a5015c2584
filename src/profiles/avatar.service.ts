// Avatar uploads: PNG, JPEG or WebP recognised by their bytes (not the file name), size-limited,
// decoded and re-encoded (which drops EXIF/GPS and any other metadata or trailing payload),
// shrunk to at most 512×512, and stored under <dataDir>/avatars with a random name.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { imageSize } from 'image-size';
import decodeJpeg, { init as initJpegDecoder } from '@jsquash/jpeg/decode.js';
import encodeJpeg, { init as initJpegEncoder } from '@jsquash/jpeg/encode.js';
import decodePng, { init as initPng } from '@jsquash/png/decode.js';
import encodePng from '@jsquash/png/encode.js';
import decodeWebp, { init as initWebpDecoder } from '@jsquash/webp/decode.js';
import encodeWebp, { init as initWebpEncoder } from '@jsquash/webp/encode.js';
// The codecs are WebAssembly; imported as files so `bun build --compile` embeds them.
import jpegDecoderWasm from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm' with { type: 'file' };
import jpegEncoderWasm from '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm' with { type: 'file' };
// @ts-expect-error -- its .wasm.d.ts types the module's exports; a `type: 'file'` import yields a path
import pngWasm from '@jsquash/png/codec/pkg/squoosh_png_bg.wasm' with { type: 'file' };
import webpDecoderWasm from '@jsquash/webp/codec/dec/webp_dec.wasm' with { type: 'file' };
// Only the SIMD build: @jsquash/webp picks it when the runtime has wasm SIMD, which Bun's has.
import webpEncoderWasm from '@jsquash/webp/codec/enc/webp_enc_simd.wasm' with { type: 'file' };
import { FormInvalid } from '../shared/form-errors';

export const maxAvatarBytes = 2 * 1024 * 1024;
const avatarSide = 512;
/** Decoding needs 4 bytes per pixel in wasm memory, which never shrinks: 4096×4096 caps it at 64 MB. */
const maxSourcePixels = 4096 * 4096;
const types = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' } as const;
export type AvatarExtension = keyof typeof types;

export function sniffImage(bytes: Uint8Array): AvatarExtension | undefined {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return undefined;
}

export const avatarContentType = (file: string) => types[file.split('.').pop() as AvatarExtension];

type Pixels = { data: Uint8ClampedArray; width: number; height: number };
type Codec = { decode(bytes: ArrayBuffer): Promise<Pixels>; encode(image: Pixels): Promise<ArrayBuffer> };
// The codecs' own types predate passing a compiled module to init(); they accept one.
type InitWith = (module: WebAssembly.Module, overrides?: object) => Promise<unknown>;
const quiet = { print() {}, printErr() {} }; // libjpeg's warnings ("Premature end of JPEG file") are not server logs

let codecs: Promise<Record<AvatarExtension, Codec>> | undefined;
/** Compiled on the first upload, not at start-up: most processes never see one. */
function loadCodecs() {
  const compile = async (path: string) => WebAssembly.compile(await Bun.file(path).arrayBuffer());
  codecs ??= (async () => {
    const [jpegDec, jpegEnc, png, webpDec, webpEnc] = await Promise.all([jpegDecoderWasm, jpegEncoderWasm, pngWasm, webpDecoderWasm, webpEncoderWasm].map(compile));
    await Promise.all([
      (initJpegDecoder as InitWith)(jpegDec!, quiet),
      (initJpegEncoder as InitWith)(jpegEnc!, quiet),
      initPng(png!),
      (initWebpDecoder as InitWith)(webpDec!, quiet),
      (initWebpEncoder as InitWith)(webpEnc!, quiet),
    ]);
    const asImage = (p: Pixels) => p as ImageData;
    return {
      // preserveOrientation applies the EXIF rotation before the EXIF block is dropped.
      jpg: { decode: (b) => decodeJpeg(b, { preserveOrientation: true }), encode: (p) => encodeJpeg(asImage(p), { quality: 85 }) },
      png: { decode: (b) => decodePng(b), encode: (p) => encodePng(asImage(p)) },
      webp: { decode: (b) => decodeWebp(b), encode: (p) => encodeWebp(asImage(p), { quality: 85 }) },
    };
  })();
  return codecs;
}

/** A stored WebP avatar as PNG, for places that draw PNG and JPEG only (share cards). */
export async function webpAsPng(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const codecs = await loadCodecs();
  return new Uint8Array(await codecs.png.encode(await codecs.webp.decode(bytes.buffer)));
}

/** Decodes, shrinks to fit avatarSide×avatarSide and re-encodes in the same format. */
async function reencodeAvatar(bytes: Uint8Array<ArrayBuffer>, extension: AvatarExtension): Promise<Uint8Array> {
  const unreadable = () => new FormInvalid([{ field: 'avatar', key: 'avatar.notImage' }]);
  // Read the size from the header first: a small file may declare a huge canvas (decompression bomb).
  let size: { width?: number; height?: number };
  try {
    size = imageSize(bytes);
  } catch {
    throw unreadable();
  }
  if (!size.width || !size.height) throw unreadable();
  if (size.width * size.height > maxSourcePixels) {
    throw new FormInvalid([{ field: 'avatar', key: 'avatar.tooLarge', params: { max: '4096×4096 pixels' } }], 'tooLarge');
  }
  const codec = (await loadCodecs())[extension];
  let image: Pixels;
  try {
    image = await codec.decode(bytes.buffer);
  } catch {
    throw unreadable(); // the codecs throw odd values (an exit status, a wasm panic): none is a server fault
  }
  if (!image?.width || !image.height) throw unreadable();
  const scale = Math.min(1, avatarSide / Math.max(image.width, image.height));
  const shrunk = scale < 1 ? shrink(image, Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale))) : image;
  return new Uint8Array(await codec.encode(shrunk));
}

/**
 * Area-average downscale: each output pixel is the mean of the source pixels it covers, the right
 * filter for shrinking. Colour is weighted by alpha so transparent pixels do not darken edges.
 * Plain JS (not a wasm resizer) so the large source is garbage-collected afterwards.
 */
function shrink(src: Pixels, width: number, height: number): Pixels {
  const out = new Uint8ClampedArray(width * height * 4);
  const { data } = src;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * src.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * src.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * src.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * src.width) / width));
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = y0; sy < y1; sy++) {
        for (let i = (sy * src.width + x0) * 4, end = (sy * src.width + x1) * 4; i < end; i += 4) {
          const alpha = data[i + 3]!;
          r += data[i]! * alpha;
          g += data[i + 1]! * alpha;
          b += data[i + 2]! * alpha;
          a += alpha;
        }
      }
      const o = (y * width + x) * 4;
      if (a > 0) {
        out[o] = r / a;
        out[o + 1] = g / a;
        out[o + 2] = b / a;
      }
      out[o + 3] = a / ((y1 - y0) * (x1 - x0));
    }
  }
  return { data: out, width, height };
}

export class AvatarStore {
  readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'avatars');
  }

  /** Checks, re-encodes and stores an upload; returns the stored file name. */
  async save(file: Blob): Promise<string> {
    if (file.size === 0) throw new FormInvalid([{ field: 'avatar', key: 'avatar.empty' }]);
    if (file.size > maxAvatarBytes) throw new FormInvalid([{ field: 'avatar', key: 'avatar.tooLarge', params: { max: '2 MB' } }], 'tooLarge');
    const bytes = new Uint8Array(await file.arrayBuffer());
    const extension = sniffImage(bytes);
    if (!extension) throw new FormInvalid([{ field: 'avatar', key: 'avatar.notImage' }], 'unsupportedType');
    const stored = await reencodeAvatar(bytes, extension);
    mkdirSync(this.dir, { recursive: true });
    const name = `${crypto.randomUUID()}.${extension}`;
    await Bun.write(join(this.dir, name), stored);
    return name;
  }

  path(name: string): string | undefined {
    return /^[0-9a-f-]{36}\.(png|jpg|webp)$/.test(name) ? join(this.dir, name) : undefined;
  }

  remove(name: string | null) {
    const path = name ? this.path(name) : undefined;
    if (path) rmSync(path, { force: true });
  }
}
