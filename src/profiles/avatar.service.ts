// Avatar uploads: PNG, JPEG or WebP recognised by their bytes (not the file name), size-limited,
// stored under <dataDir>/avatars with a random name.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FormInvalid } from '../web/form-errors';

export const maxAvatarBytes = 2 * 1024 * 1024;
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

export class AvatarStore {
  readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'avatars');
  }

  /** Checks and stores an upload; returns the stored file name. */
  async save(file: Blob): Promise<string> {
    if (file.size === 0) throw new FormInvalid([{ field: 'avatar', key: 'avatar.empty' }]);
    if (file.size > maxAvatarBytes) throw new FormInvalid([{ field: 'avatar', key: 'avatar.tooLarge', params: { max: '2 MB' } }], 413);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const extension = sniffImage(bytes);
    if (!extension) throw new FormInvalid([{ field: 'avatar', key: 'avatar.notImage' }], 415);
    mkdirSync(this.dir, { recursive: true });
    const name = `${crypto.randomUUID()}.${extension}`;
    await Bun.write(join(this.dir, name), bytes);
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
