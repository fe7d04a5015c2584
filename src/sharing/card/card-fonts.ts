// The fonts share cards are drawn with: DejaVu Sans (Debian's fonts-dejavu-core, installed by
// scripts/install-system-deps.sh and the Dockerfile), read from disk at run time, so the compiled
// binary finds them too. Missing fonts: cards are off (404) and the log says which package to install.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log';

export const fontDir = '/usr/share/fonts/truetype/dejavu';
export interface CardFont {
  name: string;
  data: Buffer;
  weight: 400 | 700;
  style: 'normal';
}

export async function loadCardFonts(log: Pick<Logger, 'warn'>, dir = fontDir): Promise<CardFont[] | null> {
  try {
    const [regular, bold] = await Promise.all([readFile(join(dir, 'DejaVuSans.ttf')), readFile(join(dir, 'DejaVuSans-Bold.ttf'))]);
    return [
      { name: 'DejaVu Sans', data: regular, weight: 400, style: 'normal' },
      { name: 'DejaVu Sans', data: bold, weight: 700, style: 'normal' },
    ];
  } catch (error) {
    log.warn('share cards are off: no DejaVu fonts (install the Debian package fonts-dejavu-core)', { dir, error: String(error) });
    return null;
  }
}
