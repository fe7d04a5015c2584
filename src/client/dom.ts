// A tiny DOM builder: text is always set as text (never parsed as HTML).
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | ((e: Event) => void) | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function avatarNode(p: { name: string; avatar: string | null }, size: number): HTMLElement {
  const inner = p.avatar ? el('img', { src: `/avatars/${p.avatar}`, alt: '', width: String(size), height: String(size) }) : el('span', { class: 'initial', 'aria-hidden': 'true' }, p.name.slice(0, 1).toUpperCase());
  return el('span', { class: `avatar s${size}` }, inner);
}
