// Renders the app icons (static/icon-192.png, icon-512.png, icon-maskable-512.png) from static/icon.svg
// with the test Chromium, once; the PNGs are checked in.  bun scripts/make-icons.ts
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dir, '..');
const svg = readFileSync(resolve(root, 'static/icon.svg'), 'utf8');
const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
// Plain: the round icon on a transparent square. Maskable: a full-bleed square with the icon inside
// the safe zone (the central 80% circle), so any mask shape keeps the microphone whole.
const shots = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
];
for (const { file, size, maskable } of shots) {
  await page.setViewportSize({ width: size, height: size });
  const inner = maskable ? Math.round(size * 0.78) : size;
  await page.setContent(
    `<html><body style="margin:0;width:${size}px;height:${size}px;display:grid;place-items:center;background:${maskable ? '#6f3fd8' : 'transparent'}"><img src="${dataUrl}" width="${inner}" height="${inner}"></body></html>`,
  );
  await page.screenshot({ path: resolve(root, 'static', file), omitBackground: !maskable });
  console.error(`make-icons: static/${file}`);
}
await browser.close();
