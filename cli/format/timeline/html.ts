/**
 * `clockcheck show FILE --html OUT.html`: one self-contained page (inline CSS and SVG, no scripts,
 * no fonts, images or anything else fetched) with what was checked, the violation explained in
 * words, the SVG timeline, a legend, and the step table.
 */
import type { TraceFile } from '../../../counterexamples/traceFile.ts';
import type { CellItem, StepTable } from '../stepCells.ts';
import { timelineData, type TraceContext } from './data.ts';
import { escapeXml, MARK_STYLE, timelineSvg } from './svg.ts';

const CSS = `
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1200px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.params { color: #555; font-size: 13px; margin: 0 0 12px; }
.violation-text { border-left: 4px solid #d11; background: #fff3f3; padding: 8px 12px; margin: 12px 0; }
.legend { font-size: 12px; color: #444; margin: 6px 0 18px; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { border: 1px solid #ddd; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
td.num { text-align: right; font-family: monospace; }
tr.violated td { background: #fff0f0; }
.read { font-weight: bold; color: #1f6fd1; }
tr.violated .read { color: #c00; }
.note { color: #777; }
code, .change { font-family: monospace; }
`;

function cell(items: readonly CellItem[]): string {
  return items.map((i) => `<div class="${i.kind}">${escapeXml(i.text)}</div>`).join('');
}

export function timelineHtml(
  trace: TraceFile,
  table: StepTable,
  file: string,
  context: TraceContext = {},
): string {
  const t = timelineData(trace, context);
  const { meta } = trace;
  const v = t.violation;
  const params = Object.entries(meta.params)
    .map(([k, val]) => `${k}=${String(val)}`)
    .join(' ');
  const legend = Object.values(MARK_STYLE)
    .filter((s, i, all) => all.findIndex((o) => o.legend === s.legend) === i)
    .filter((s) => t.marks.some((m) => MARK_STYLE[m.kind] === s))
    .map((s) => `<span><i style="background:${s.color}"></i>${escapeXml(s.legend)}</span>`)
    .join('');
  const explanation =
    `At step ${v.step} (t = ${t.times[v.step]} ns), after <code>${escapeXml(t.actions[v.step]!)}</code>, ` +
    `the invariant <b>${escapeXml(v.invariant)}</b>${v.meaning === '' ? '' : ` (${escapeXml(v.meaning)})`} does not hold: ` +
    `${escapeXml(v.message)}.`;
  const rows = table.rows
    .map(
      (r) =>
        `<tr${r.step === v.step ? ' class="violated"' : ''}><td class="num">${r.step}</td><td class="num">${escapeXml(r.now)}</td>` +
        `<td><code>${escapeXml(r.action)}</code></td>${r.cells.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(t.title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeXml(t.title)}</h1>
<p class="params">${escapeXml(file)} · ${trace.steps.length - 1} steps · parameters: ${escapeXml(params)} · vCPU clocks: ${escapeXml(t.guestClock)}</p>
<p class="violation-text">${explanation}</p>
${timelineSvg(t)}
<div class="legend">${legend}</div>
<table class="steps">
<thead><tr><th>step</th><th>t (ns)</th><th>action</th>${table.columns.map((c) => `<th>${escapeXml(c)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
