// The share card's picture (1200x630): a state badge, the title, the host's avatar and name, the
// speakers and the instance. Built as satori's element tree (plain objects, no JSX), drawn to PNG by resvg.
export interface CardInput {
  badge: string;
  /** Red badge for live rooms; the others are quieter. */
  tone: 'live' | 'quiet';
  title: string;
  hostLine: string;
  speakersLine: string;
  footer: string;
  /** data: URI of the host's avatar (PNG or JPEG), or null for an initial. */
  avatar: string | null;
  initial: string;
}

type Node = { type: string; props: Record<string, unknown> & { style?: Record<string, unknown>; children?: unknown } };
const el = (type: string, style: Record<string, unknown>, children?: unknown, extra: Record<string, unknown> = {}): Node => ({ type, props: { style, children, ...extra } });

const clamp = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);

export function cardTree(c: CardInput): Node {
  const title = clamp(c.title, 110);
  const titleSize = title.length > 70 ? 52 : title.length > 36 ? 64 : 76;
  const avatar = c.avatar
    ? el('img', { width: 128, height: 128, borderRadius: 64, border: '4px solid #ffffff' }, undefined, { src: c.avatar, width: 128, height: 128 })
    : el('div', { width: 128, height: 128, borderRadius: 64, background: '#b69cf0', color: '#2b1660', fontSize: 64, fontWeight: 700, display: 'flex', alignItems: 'center', justifyContent: 'center' }, c.initial);
  return el(
    'div',
    { width: 1200, height: 630, boxSizing: 'border-box', display: 'flex', flexDirection: 'column', justifyContent: 'space-between', padding: '56px 64px', background: 'linear-gradient(135deg, #241047 0%, #4b2a9a 60%, #6f3fd8 100%)', color: '#ffffff', fontFamily: 'DejaVu Sans' },
    [
      el('div', { display: 'flex', alignItems: 'center' }, [
        el('div', { display: 'flex', padding: '10px 24px', borderRadius: 999, fontSize: 30, fontWeight: 700, letterSpacing: 2, background: c.tone === 'live' ? '#e0245e' : 'rgba(255,255,255,0.18)', color: '#ffffff' }, clamp(c.badge, 48)),
      ]),
      el('div', { display: 'flex', fontSize: titleSize, fontWeight: 700, lineHeight: 1.15, maxHeight: 330, overflow: 'hidden' }, title),
      el('div', { display: 'flex', alignItems: 'center', justifyContent: 'space-between' }, [
        el('div', { display: 'flex', alignItems: 'center' }, [
          avatar,
          el('div', { display: 'flex', flexDirection: 'column', marginLeft: 28, maxWidth: 700 }, [
            el('div', { display: 'flex', fontSize: 36, fontWeight: 700 }, clamp(c.hostLine, 40)),
            ...(c.speakersLine ? [el('div', { display: 'flex', fontSize: 28, color: '#e4dafc', marginTop: 8 }, clamp(c.speakersLine, 48))] : []),
          ]),
        ]),
        el('div', { display: 'flex', fontSize: 30, color: '#e4dafc' }, clamp(c.footer, 30)),
      ]),
    ],
  );
}
