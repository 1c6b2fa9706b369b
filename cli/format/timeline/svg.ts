/**
 * The timeline as inline SVG (no external references: no fonts, images or scripts). Above, the
 * clocks: for the host (MONOTONIC, MONOTONIC_RAW) and each vCPU (its guest clock), how far each is
 * ahead of real time after each step, as points joined by lines; every point's title holds the
 * clock's value. Below, one lane per vCPU and for the host with the events marked where they
 * happen. The violating step is a red band, labelled. Elements carry data- attributes (step,
 * lane, kind, values) so that what is drawn can be checked.
 */
import type { Mark, MarkKind, Timeline } from './data.ts';
import { layoutSteps } from './layout.ts';

export const WIDTH = 1160;
const LEFT = 120;
const RIGHT = 30;
const CHART_TOP = 64;
const CHART_HEIGHT = 230;
const LANE_HEIGHT = 70;

const SERIES_COLORS = ['#444444', '#8a8a8a', '#1f6fd1', '#e07b00', '#2a9d3a', '#9b3fc4'];

export const MARK_STYLE: Readonly<
  Record<MarkKind, { readonly color: string; readonly shape: string; readonly legend: string }>
> = {
  read: { color: '#1f6fd1', shape: 'circle', legend: 'clock read (value returned)' },
  'read-step': { color: '#7fa8dc', shape: 'dot', legend: 'step inside a read' },
  'timer-program': { color: '#2a9d3a', shape: 'triangle', legend: 'timer programmed' },
  'hrtimer-expire': { color: '#c47f00', shape: 'diamond', legend: 'hrtimer expiry' },
  delivery: { color: '#0b7a3e', shape: 'square', legend: 'timer interrupt delivered' },
  ntp: { color: '#d14b8f', shape: 'diamond', legend: 'NTP change' },
  timekeeping: { color: '#777777', shape: 'tick', legend: 'timekeeping tick' },
  masterclock: { color: '#7a3fc4', shape: 'square', legend: 'masterclock update' },
  'pvclock-write': { color: '#7a3fc4', shape: 'bar', legend: 'pvclock page write' },
  migration: { color: '#e07b00', shape: 'arrow', legend: 'migration' },
  nohz: { color: '#555555', shape: 'dot', legend: 'NOHZ idle entry / exit' },
  block: { color: '#555555', shape: 'bar', legend: 'vCPU blocks (HLT)' },
  wake: { color: '#555555', shape: 'triangle', legend: 'vCPU woken' },
  'counter-restore': { color: '#2a9d3a', shape: 'square', legend: 'counter restored' },
};

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

function shape(kind: string, x: number, y: number, color: string): string {
  const f = `fill="${color}" stroke="${color}"`;
  switch (kind) {
    case 'circle':
      return `<circle cx="${n(x)}" cy="${n(y)}" r="6" ${f}/>`;
    case 'dot':
      return `<circle cx="${n(x)}" cy="${n(y)}" r="3.5" ${f}/>`;
    case 'triangle':
      return `<path d="M${n(x - 6)},${n(y - 5)} L${n(x + 6)},${n(y - 5)} L${n(x)},${n(y + 6)} Z" ${f}/>`;
    case 'diamond':
      return `<path d="M${n(x)},${n(y - 7)} L${n(x + 7)},${n(y)} L${n(x)},${n(y + 7)} L${n(x - 7)},${n(y)} Z" ${f}/>`;
    case 'square':
      return `<rect x="${n(x - 5.5)}" y="${n(y - 5.5)}" width="11" height="11" ${f}/>`;
    case 'bar':
      return `<rect x="${n(x - 2.5)}" y="${n(y - 9)}" width="5" height="18" ${f}/>`;
    case 'tick':
      return `<line x1="${n(x)}" y1="${n(y - 8)}" x2="${n(x)}" y2="${n(y + 8)}" stroke="${color}" stroke-width="2"/>`;
    default:
      return `<path d="M${n(x - 7)},${n(y)} L${n(x + 5)},${n(y)} M${n(x + 1)},${n(y - 4)} L${n(x + 6)},${n(y)} L${n(x + 1)},${n(y + 4)}" fill="none" stroke="${color}" stroke-width="2"/>`;
  }
}

/** Round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step)
    out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

export function timelineSvg(t: Timeline): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const lanesTop = CHART_TOP + CHART_HEIGHT + 34;
  const height = lanesTop + t.lanes.length * LANE_HEIGHT + 44;
  const { x, instants } = layoutSteps(t.times, LEFT, plotWidth);
  const laneY = (lane: number) => lanesTop + lane * LANE_HEIGHT + LANE_HEIGHT / 2;

  const all = t.series.flatMap((s) => s.samples.map((p) => p.ahead));
  let lo = Math.min(0, ...all);
  let hi = Math.max(0, ...all);
  if (hi - lo < 2) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.08;
  [lo, hi] = [lo - pad, hi + pad];
  const y = (v: number) => CHART_TOP + CHART_HEIGHT - ((v - lo) / (hi - lo)) * CHART_HEIGHT;

  const out: string[] = [];
  out.push(
    `<svg class="timeline" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(`timeline of ${t.title}`)}" font-family="sans-serif" font-size="11">`,
  );
  const v = t.violation;
  const vx = x[v.step]!;
  out.push(
    `<g class="violation" data-step="${v.step}" data-invariant="${escapeXml(v.invariant)}">` +
      `<rect x="${n(vx - 18)}" y="${CHART_TOP - 22}" width="36" height="${height - CHART_TOP - 2}" fill="#ffd9d9" stroke="#d11" stroke-dasharray="4 3"/>` +
      `<text x="${n(Math.min(vx, WIDTH - 150))}" y="${CHART_TOP - 28}" fill="#c00" font-weight="bold" text-anchor="middle">✗ ${escapeXml(v.invariant)} violated at step ${v.step}</text></g>`,
  );

  // Chart frame, zero line and y ticks.
  out.push(`<g class="chart">`);
  out.push(
    `<text x="${LEFT - 8}" y="${CHART_TOP - 8}" text-anchor="end" fill="#333">ns ahead of real time</text>`,
  );
  for (const tv of ticks(lo, hi)) {
    out.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${n(y(tv))}" y2="${n(y(tv))}" stroke="${tv === 0 ? '#999' : '#eee'}"/>` +
        `<text class="y-tick" x="${LEFT - 6}" y="${n(y(tv) + 4)}" text-anchor="end" fill="#555">${tv}</text>`,
    );
  }
  for (let step = 0; step < x.length; step++) {
    out.push(
      `<line class="step-line" x1="${n(x[step]!)}" x2="${n(x[step]!)}" y1="${CHART_TOP}" y2="${height - 40}" stroke="#f0f0f0"/>`,
    );
  }
  t.series.forEach((s, i) => {
    const color = SERIES_COLORS[i % SERIES_COLORS.length]!;
    const lane = t.lanes[s.lane]!;
    const points = s.samples.map((p) => `${n(x[p.step]!)},${n(y(p.ahead))}`).join(' ');
    out.push(
      `<g class="series" data-lane="${lane}" data-clock="${escapeXml(s.name)}">` +
        `<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"${s.name === 'MONOTONIC_RAW' ? ' stroke-dasharray="6 4"' : ''}/>` +
        s.samples
          .map(
            (p) =>
              `<circle cx="${n(x[p.step]!)}" cy="${n(y(p.ahead))}" r="3" fill="${color}" data-step="${p.step}" data-value="${p.value}" data-ahead="${p.ahead}">` +
              `<title>${escapeXml(`${lane} ${s.name} after step ${p.step}: ${p.value} (${p.ahead >= 0 ? '+' : ''}${p.ahead} ns vs real time)`)}</title></circle>`,
          )
          .join('') +
        `</g>`,
    );
  });
  // Series legend, top right.
  t.series.forEach((s, i) => {
    const color = SERIES_COLORS[i % SERIES_COLORS.length]!;
    const kx = LEFT + i * 190;
    out.push(
      `<g class="series-key"><line x1="${kx}" x2="${kx + 22}" y1="10" y2="10" stroke="${color}" stroke-width="2"${s.name === 'MONOTONIC_RAW' ? ' stroke-dasharray="6 4"' : ''}/>` +
        `<text x="${kx + 27}" y="14" fill="#333">${escapeXml(`${t.lanes[s.lane]} ${s.name}`)}</text></g>`,
    );
  });
  out.push(`</g>`);

  // Lanes and marks.
  t.lanes.forEach((lane, i) => {
    const top = lanesTop + i * LANE_HEIGHT;
    out.push(
      `<g class="lane" data-lane="${lane}"><rect x="${LEFT}" y="${top}" width="${plotWidth}" height="${LANE_HEIGHT - 4}" fill="${i % 2 === 0 ? '#fafafa' : '#f4f6fa'}"/>` +
        `<text class="lane-label" x="${LEFT - 8}" y="${top + LANE_HEIGHT / 2 + 4}" text-anchor="end" font-weight="bold" fill="#333">${lane}</text></g>`,
    );
  });
  // Labels go above or below their mark, whichever is free of the lane's labels placed so far.
  const placed = new Map<number, { x1: number; x2: number; y: number }[]>();
  t.marks.forEach((m: Mark) => {
    const style = MARK_STYLE[m.kind];
    const bad = m.step === v.step;
    const color = bad ? '#d11' : style.color;
    const mx = x[m.step]!;
    const my = laneY(m.lane);
    const half = (m.label.length * 6.2) / 2;
    const lx = Math.min(Math.max(mx, LEFT + half), WIDTH - 4 - half);
    const boxes = placed.get(m.lane) ?? [];
    const ly =
      [my - 12, my + 22, my - 24, my + 34].find((cy) =>
        boxes.every((b) => b.y !== cy || lx + half < b.x1 || lx - half > b.x2),
      ) ?? my - 12;
    boxes.push({ x1: lx - half - 4, x2: lx + half + 4, y: ly });
    placed.set(m.lane, boxes);
    const arrow =
      m.fromLane === undefined
        ? ''
        : `<path d="M${n(mx - 6)},${n(laneY(m.fromLane))} L${n(mx)},${n(my - 8)}" stroke="${color}" stroke-width="1.5" fill="none" stroke-dasharray="3 2"/>`;
    out.push(
      `<g class="mark" data-step="${m.step}" data-lane="${t.lanes[m.lane]}" data-kind="${m.kind}"${bad ? ' data-violation="true"' : ''}>` +
        arrow +
        shape(style.shape, mx, my, color) +
        `<text x="${n(lx)}" y="${n(ly)}" text-anchor="middle" fill="${color}"${bad ? ' font-weight="bold"' : ''}>${escapeXml(m.label)}</text>` +
        `<title>${escapeXml(`step ${m.step}: ${t.actions[m.step]} (${style.legend}) — ${m.label}`)}</title></g>`,
    );
  });

  // Time axis: each distinct instant, labelled where there is room.
  const axisY = height - 34;
  out.push(
    `<g class="time-axis"><line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${axisY}" y2="${axisY}" stroke="#333"/>`,
  );
  let free = -Infinity;
  for (const { step, now } of instants) {
    const tx = x[step]!;
    out.push(`<line x1="${n(tx)}" x2="${n(tx)}" y1="${axisY}" y2="${axisY + 5}" stroke="#333"/>`);
    const label = `t=${now}`;
    if (tx - label.length * 3.2 > free) {
      out.push(
        `<text class="time-label" data-now="${now}" x="${n(tx)}" y="${axisY + 17}" text-anchor="middle" fill="#333">${label}</text>`,
      );
      free = tx + label.length * 3.2 + 6;
    }
  }
  out.push(
    `<text x="${WIDTH - RIGHT}" y="${axisY + 31}" text-anchor="end" fill="#555">real time (ns) →; steps at one instant are spread out side by side</text></g>`,
  );
  for (let step = 0; step < x.length; step++) {
    out.push(
      `<text class="step-number" data-step="${step}" x="${n(x[step]!)}" y="${lanesTop - 8}" text-anchor="middle" fill="${step === v.step ? '#c00' : '#888'}">${step}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}
