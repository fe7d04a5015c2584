// Avatar uploads are decoded and re-encoded: no EXIF/GPS survives, the size is bounded, and a
// broken upload is refused by name while the previous avatar stays. Images are made with ffmpeg.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { imageSize } from 'image-size';
import { sniffImage } from '../../src/profiles/avatar.service';
import { avatarDataUri, profileCardInput } from '../../src/sharing/card/card-input';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let cat: Account;
beforeAll(async () => {
  salon = await startTestSalon();
  cat = await signUp(salon.url, 'cat');
});
afterAll(async () => {
  await salon.dispose();
});

/** One frame of ffmpeg's test pattern, encoded as `codec` (mjpeg, png, libwebp). */
function makeImage(width: number, height: number, codec = 'mjpeg', extra: string[] = []): Uint8Array<ArrayBuffer> {
  const source = codec === 'png' ? `color=c=red@0.5:s=${width}x${height},format=rgba` : `testsrc2=size=${width}x${height}`;
  const ffmpeg = Bun.spawnSync(['ffmpeg', '-loglevel', 'error', '-f', 'lavfi', '-i', source, '-frames:v', '1', ...extra, '-c:v', codec, '-f', 'image2pipe', 'pipe:1']);
  if (ffmpeg.exitCode !== 0) throw new Error(`ffmpeg failed: ${ffmpeg.stderr.toString()}`);
  return new Uint8Array(ffmpeg.stdout);
}

/** Whether ffmpeg decodes the whole image without a single error. */
function decodesCleanly(bytes: Uint8Array): boolean {
  const ffmpeg = Bun.spawnSync(['ffmpeg', '-v', 'error', '-xerror', '-i', 'pipe:0', '-f', 'null', '-'], { stdin: bytes });
  return ffmpeg.exitCode === 0 && ffmpeg.stderr.length === 0;
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const u16 = (n: number) => [n >> 8, n & 0xff];
const u32 = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const gpsLatitude = [...u32(48), ...u32(1), ...u32(51), ...u32(1), ...u32(2946), ...u32(100)]; // 48° 51' 29.46"

/** Inserts an EXIF block (APP1) with a GPS position right after the JPEG's start marker, as phones do. */
function withGpsExif(jpeg: Uint8Array): Uint8Array<ArrayBuffer> {
  const ifd0 = [...u16(1), ...u16(0x8825), ...u16(4), ...u32(1), ...u32(26), ...u32(0)]; // GPSInfo -> offset 26
  const gpsIfd = [...u16(2), ...u16(1), ...u16(2), ...u32(2), ...ascii('N\0\0\0'), ...u16(2), ...u16(5), ...u32(3), ...u32(56), ...u32(0)];
  const tiff = [...ascii('MM'), ...u16(42), ...u32(8), ...ifd0, ...gpsIfd, ...gpsLatitude];
  const payload = [...ascii('Exif\0\0'), ...tiff];
  const app1 = [0xff, 0xe1, ...u16(payload.length + 2), ...payload];
  return new Uint8Array([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
}

const contains = (bytes: Uint8Array, needle: number[]) => Buffer.from(bytes).indexOf(Buffer.from(needle)) >= 0;

async function upload(bytes: Uint8Array<ArrayBuffer> | string, name: string, type: string) {
  const form = new FormData();
  form.set('displayName', 'Cat');
  form.set('avatar', new File([bytes], name, { type }));
  return cat.client.post('/settings/profile', form);
}

/** The avatar the profile page shows, as served. */
async function currentAvatar() {
  const page = await (await new WebClient(salon.url).get('/@cat')).text();
  const src = page.match(/src="(\/avatars\/[^"]+)"/)?.[1];
  if (!src) return undefined;
  const res = await new WebClient(salon.url).get(src);
  return { src, type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('avatar uploads are re-encoded', () => {
  test('a photo with GPS in its EXIF is stored without it, shrunk to 512 px, still a valid JPEG', async () => {
    const photo = withGpsExif(makeImage(1200, 800));
    expect(contains(photo, ascii('Exif'))).toBe(true); // the upload really carries the position
    expect((await upload(photo, 'holiday.jpg', 'image/jpeg')).status).toBe(200);

    const stored = (await currentAvatar())!;
    expect(stored.type).toBe('image/jpeg');
    expect(contains(stored.bytes, ascii('Exif'))).toBe(false);
    expect(contains(stored.bytes, gpsLatitude)).toBe(false);
    expect(contains(stored.bytes, [0xff, 0xe1])).toBe(false); // no APP1 segment at all
    expect(imageSize(stored.bytes)).toMatchObject({ type: 'jpg', width: 512, height: 341 });
    expect(sniffImage(stored.bytes)).toBe('jpg');
    expect(decodesCleanly(stored.bytes)).toBe(true);
  });

  test('a huge image is stored downscaled', async () => {
    const huge = makeImage(4000, 4000, 'mjpeg', ['-q:v', '8']);
    expect(huge.length).toBeLessThan(2 * 1024 * 1024);
    expect((await upload(huge, 'huge.jpg', 'image/jpeg')).status).toBe(200);
    const stored = (await currentAvatar())!;
    expect(imageSize(stored.bytes)).toMatchObject({ width: 512, height: 512 });
    expect(stored.bytes.length).toBeLessThan(200_000);
  });

  test('PNG (with its transparency) and WebP keep their format, bounded', async () => {
    expect((await upload(makeImage(700, 300, 'png'), 'a.png', 'image/png')).status).toBe(200);
    const png = (await currentAvatar())!;
    expect(png.type).toBe('image/png');
    expect(imageSize(png.bytes)).toMatchObject({ width: 512, height: 219 });
    expect(png.bytes[25]).toBe(6); // IHDR colour type 6: RGBA, the alpha channel survived

    expect((await upload(makeImage(640, 640, 'libwebp'), 'a.webp', 'image/webp')).status).toBe(200);
    const webp = (await currentAvatar())!;
    expect(webp.type).toBe('image/webp');
    expect(imageSize(webp.bytes)).toMatchObject({ width: 512, height: 512 });
    expect(decodesCleanly(png.bytes) && decodesCleanly(webp.bytes)).toBe(true);

    // The share card draws a WebP avatar too (satori reads PNG and JPEG only: it goes in as PNG), not the initial.
    const cat = (await salon.deps.users.byHandle('cat'))!;
    const drawn = await avatarDataUri(salon.deps.avatars, cat.avatar_file);
    expect(drawn?.slice(0, 30)).toBe('data:image/png;base64,iVBORw0K');
    const card = await fetch(`${salon.url}/@cat/card.png`);
    expect(card.status).toBe(200);
    expect(card.headers.get('etag')).not.toBe(salon.deps.cards.etagOf(profileCardInput(salon.deps.settings.get().instanceName, cat, null)));
  });

  test('a small image is re-encoded but not enlarged', async () => {
    expect((await upload(makeImage(64, 48), 'small.jpg', 'image/jpeg')).status).toBe(200);
    expect(imageSize((await currentAvatar())!.bytes)).toMatchObject({ width: 64, height: 48 });
  });

  test('a corrupt image, a decompression bomb and a non-image are refused by name; the avatar stays', async () => {
    const before = (await currentAvatar())!;
    const files = readdirSync(join(salon.dataDir, 'avatars'));

    const corrupt = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...ascii('JFIF'), ...new Array(200).fill(0x42)]);
    const broken = await upload(corrupt, 'broken.jpg', 'image/jpeg');
    expect(broken.status).toBe(422);
    expect(await broken.json()).toMatchObject({ field: 'avatar', error: 'This file is not a PNG, JPEG or WebP image.' });

    // A valid PNG header declaring 20000×20000 pixels: refused before anything is decoded.
    const ihdr = [...u32(13), ...ascii('IHDR'), ...u32(20000), ...u32(20000), 8, 6, 0, 0, 0, ...u32(0)];
    const bomb = await upload(new Uint8Array([0x89, ...ascii('PNG\r\n\x1a\n'), ...ihdr]), 'bomb.png', 'image/png');
    expect(bomb.status).toBe(413);
    expect(await bomb.json()).toMatchObject({ field: 'avatar', error: 'The image is larger than 4096×4096 pixels.' });

    const text = await upload('just some text', 'notes.jpg', 'image/jpeg');
    expect(text.status).toBe(415);
    expect((await text.json()).field).toBe('avatar');

    const after = (await currentAvatar())!;
    expect(after.src).toBe(before.src);
    expect(after.bytes).toEqual(before.bytes);
    expect(readdirSync(join(salon.dataDir, 'avatars'))).toEqual(files);
  });
});
