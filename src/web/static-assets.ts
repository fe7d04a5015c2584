// Static files, imported as files so `bun build --compile` embeds them in the binary.
import { basename } from 'node:path';
import salonCss from '../../static/salon.css' with { type: 'file' };
import iconSvg from '../../static/icon.svg' with { type: 'file' };
import icon192Png from '../../static/icon-192.png' with { type: 'file' };
import icon512Png from '../../static/icon-512.png' with { type: 'file' };
import iconMaskablePng from '../../static/icon-maskable-512.png' with { type: 'file' };
import htmxJs from 'htmx.org/dist/htmx.min.js' with { type: 'file' };
// Built by scripts/build-client.ts (the npm scripts run it first).
import roomJs from '../../static/build/room.js' with { type: 'file' };
import replayPlayerJs from '../../static/build/replay-player.js' with { type: 'file' };
import notificationsJs from '../../static/build/notifications.js' with { type: 'file' };
import shareJs from '../../static/build/share-button.js' with { type: 'file' };
import hlsPlayerJs from '../../static/build/hls-player.js' with { type: 'file' }; // live HLS fallback (hls.js), loaded on demand
import packageJson from '../../package.json';

const assets = {
  'salon.css': { path: salonCss, type: 'text/css; charset=utf-8' },
  'icon.svg': { path: iconSvg, type: 'image/svg+xml' },
  'icon-192.png': { path: icon192Png, type: 'image/png' },
  'icon-512.png': { path: icon512Png, type: 'image/png' },
  'icon-maskable-512.png': { path: iconMaskablePng, type: 'image/png' },
  'htmx.min.js': { path: htmxJs, type: 'text/javascript; charset=utf-8' },
  'room.js': { path: roomJs, type: 'text/javascript; charset=utf-8' },
  'replay-player.js': { path: replayPlayerJs, type: 'text/javascript; charset=utf-8' },
  'notifications.js': { path: notificationsJs, type: 'text/javascript; charset=utf-8' },
  'share.js': { path: shareJs, type: 'text/javascript; charset=utf-8' },
  'hls-player.js': { path: hlsPlayerJs, type: 'text/javascript; charset=utf-8' },
} satisfies Record<string, { path: string; type: string }>;

export type AssetName = keyof typeof assets;

export function findAsset(name: string) {
  return Object.hasOwn(assets, name) ? assets[name as AssetName] : undefined;
}

/** Versioned URL so browsers may cache assets until the next release. */
export function assetUrl(name: AssetName): string {
  return `/static/${basename(name)}?v=${packageJson.version}`;
}
