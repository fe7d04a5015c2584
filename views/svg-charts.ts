// Small server-rendered SVG charts (no chart library): bars per day, a line over time. Scaled by
// the viewBox, so they fit a phone as well as a desktop; each bar and point has a <title>.
import { html, type SafeHtml } from '../src/shared/html';

const width = 320;
const height = 120;
const pad = { top: 10, right: 6, bottom: 18, left: 24 };

/** One bar per entry, oldest first; `label` names the chart for screen readers. */
export function barChart(bars: { label: string; value: number }[], opts: { label: string; id?: string }): SafeHtml {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const step = plotW / Math.max(1, bars.length);
  const barW = Math.max(1, step * 0.7);
  const rects = bars.map((b, i) => {
    const h = (b.value / max) * plotH;
    const x = pad.left + i * step + (step - barW) / 2;
    return html`<rect class="bar" x="${x.toFixed(1)}" y="${(pad.top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"><title>${b.label}: ${b.value}</title></rect>`;
  });
  const first = bars[0]?.label ?? '';
  const last = bars[bars.length - 1]?.label ?? '';
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${opts.label}"${opts.id ? html` id="${opts.id}"` : ''} preserveAspectRatio="xMidYMid meet">
    ${axes(max, plotH)}${rects}
    <text class="axis" x="${pad.left}" y="${height - 4}">${first}</text><text class="axis" x="${width - pad.right}" y="${height - 4}" text-anchor="end">${last}</text>
  </svg>`;
}

/** A line through the points (x in milliseconds), with a dot per point. */
export function lineChart(points: { x: number; y: number; label: string }[], opts: { label: string; id?: string; firstLabel?: string; lastLabel?: string }): SafeHtml {
  const max = Math.max(1, ...points.map((p) => p.y));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x0 = points[0]?.x ?? 0;
  const span = Math.max(1, (points[points.length - 1]?.x ?? 0) - x0);
  const at = (p: { x: number; y: number }) => ({ x: pad.left + ((p.x - x0) / span) * plotW, y: pad.top + plotH - (p.y / max) * plotH });
  const coords = points.map(at);
  const path = coords.map((c) => `${c.x.toFixed(1)},${c.y.toFixed(1)}`).join(' ');
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${opts.label}"${opts.id ? html` id="${opts.id}"` : ''} preserveAspectRatio="xMidYMid meet">
    ${axes(max, plotH)}
    ${points.length > 1 ? html`<polyline class="line" points="${path}"></polyline>` : ''}
    ${coords.map((c, i) => html`<circle class="point" cx="${c.x.toFixed(1)}" cy="${c.y.toFixed(1)}" r="3"><title>${points[i]!.label}: ${points[i]!.y}</title></circle>`)}
    <text class="axis" x="${pad.left}" y="${height - 4}">${opts.firstLabel ?? ''}</text><text class="axis" x="${width - pad.right}" y="${height - 4}" text-anchor="end">${opts.lastLabel ?? ''}</text>
  </svg>`;
}

function axes(max: number, plotH: number): SafeHtml {
  return html`<line class="grid" x1="${pad.left}" y1="${pad.top}" x2="${width - pad.right}" y2="${pad.top}"></line>
    <line class="grid" x1="${pad.left}" y1="${pad.top + plotH}" x2="${width - pad.right}" y2="${pad.top + plotH}"></line>
    <text class="axis" x="${pad.left - 4}" y="${pad.top + 4}" text-anchor="end">${max}</text>
    <text class="axis" x="${pad.left - 4}" y="${pad.top + plotH + 4}" text-anchor="end">0</text>`;
}
