// Share cards rendered on the server (satori + resvg, ~65 ms each) and kept in a small in-memory
// LRU keyed by a hash of everything drawn: a room that goes from live to replay, a new title or
// avatar, new speakers all make a new key, hence a new ETag. The renderer loads on first use, so a
// machine without its native part (or without fonts) serves pages as usual and only cards fail.
import { createHash } from 'node:crypto';
import type { Logger } from '../../log';
import { loadCardFonts, type CardFont } from './card-fonts';
import { cardTree, type CardInput } from './card-image';

export interface RenderedCard {
  png: Uint8Array;
  etag: string;
}

type Renderer = (input: CardInput) => Promise<Uint8Array>;

export class ShareCards {
  /** Cards drawn or being drawn, by ETag: requests for the same card at once share one drawing. */
  private readonly cache = new Map<string, Promise<RenderedCard | null>>();
  private renderer: Promise<Renderer | null> | null = null;

  constructor(
    private readonly deps: { log: Logger; fontDir?: string },
    private readonly capacity = 200,
  ) {}

  /** The card's ETag for these inputs (without drawing it). */
  etagOf(input: CardInput): string {
    return `"${createHash('sha256').update(JSON.stringify(input)).digest('base64url').slice(0, 27)}"`;
  }

  /** The card, from the cache or drawn now; null when cards are off (no fonts, no renderer). */
  async render(input: CardInput): Promise<RenderedCard | null> {
    const etag = this.etagOf(input);
    let card = this.cache.get(etag);
    if (card) this.cache.delete(etag); // most recently used goes last
    else card = this.draw(input, etag);
    this.cache.set(etag, card);
    while (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    const drawn = await card;
    if (!drawn) this.cache.delete(etag); // off (no fonts or renderer): nothing worth keeping
    return drawn;
  }

  private async draw(input: CardInput, etag: string): Promise<RenderedCard | null> {
    const render = await (this.renderer ??= this.loadRenderer());
    if (!render) return null;
    try {
      return { png: await render(input), etag };
    } catch (error) {
      this.cache.delete(etag);
      throw error;
    }
  }

  private async loadRenderer(): Promise<Renderer | null> {
    const fonts = await loadCardFonts(this.deps.log, this.deps.fontDir);
    if (!fonts) return null;
    try {
      const [{ default: satori }, { Resvg }] = await Promise.all([import('satori'), import('@resvg/resvg-js')]);
      return async (input) => {
        const svg = await satori(cardTree(input) as Parameters<typeof satori>[0], { width: 1200, height: 630, fonts: fonts as CardFont[] });
        return new Resvg(svg, { fitTo: { mode: 'width', value: 1200 } }).render().asPng();
      };
    } catch (error) {
      this.deps.log.warn('share cards are off: the renderer (satori, @resvg/resvg-js) did not load', { error: String(error) });
      return null;
    }
  }
}
