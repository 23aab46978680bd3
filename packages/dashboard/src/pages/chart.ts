/** The throughput chart: finished tasks per minute, stacked by status, drawn as SVG on the server. */
import { html, type SafeHtml } from "../html.js";
import type { Throughput } from "../data.js";

const STATUSES = ["SUCCESSFUL", "FAILED", "CANCELLED"] as const;
const COLORS: Record<(typeof STATUSES)[number], string> = { SUCCESSFUL: "#2da44e", FAILED: "#cf222e", CANCELLED: "#8c959f" };
const WIDTH = 720;
const HEIGHT = 180;
const PAD_LEFT = 36;
const PAD_BOTTOM = 20;
const PAD_TOP = 8;

/** Bars per bucket (one stacked bar per minute), an axis with the peak, and a legend with totals. */
export function throughputChart(throughput: Throughput, testId: string): SafeHtml {
  const buckets = Math.round((throughput.until.getTime() - throughput.since.getTime()) / throughput.bucketMs);
  const perBucket = Array.from({ length: buckets }, () => ({ SUCCESSFUL: 0, FAILED: 0, CANCELLED: 0 }));
  const totals = { SUCCESSFUL: 0, FAILED: 0, CANCELLED: 0 };
  for (const count of throughput.counts) {
    const index = Math.floor((count.bucketStart.getTime() - throughput.since.getTime()) / throughput.bucketMs);
    const bucket = perBucket[index];
    if (!bucket) continue;
    bucket[count.status] += count.count;
    totals[count.status] += count.count;
  }
  const peak = Math.max(1, ...perBucket.map((bucket) => bucket.SUCCESSFUL + bucket.FAILED + bucket.CANCELLED));
  const plotWidth = WIDTH - PAD_LEFT - 4;
  const plotHeight = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const barWidth = plotWidth / Math.max(1, buckets);
  const bars: SafeHtml[] = [];
  perBucket.forEach((bucket, index) => {
    let y = PAD_TOP + plotHeight;
    const x = PAD_LEFT + index * barWidth;
    const minute = new Date(throughput.since.getTime() + index * throughput.bucketMs).toISOString().slice(11, 16);
    for (const status of STATUSES) {
      const count = bucket[status];
      if (count === 0) continue;
      const height = (count / peak) * plotHeight;
      y -= height;
      bars.push(
        html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${height.toFixed(1)}" fill="${COLORS[status]}"><title>${minute} UTC: ${count} ${status}</title></rect>`,
      );
    }
  });
  const start = throughput.since.toISOString().slice(11, 16);
  const end = throughput.until.toISOString().slice(11, 16);
  const total = totals.SUCCESSFUL + totals.FAILED + totals.CANCELLED;
  return html`<figure data-testid="${testId}" data-total="${total}">
<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Finished tasks per minute, last hour: ${total} in all">
<line x1="${PAD_LEFT}" y1="${PAD_TOP + plotHeight}" x2="${WIDTH - 4}" y2="${PAD_TOP + plotHeight}" stroke="#8c959f"/>
<line x1="${PAD_LEFT}" y1="${PAD_TOP}" x2="${PAD_LEFT}" y2="${PAD_TOP + plotHeight}" stroke="#8c959f"/>
<text x="${PAD_LEFT - 4}" y="${PAD_TOP + 10}" text-anchor="end" font-size="11" fill="#8c959f">${peak}</text>
<text x="${PAD_LEFT - 4}" y="${PAD_TOP + plotHeight}" text-anchor="end" font-size="11" fill="#8c959f">0</text>
<text x="${PAD_LEFT}" y="${HEIGHT - 4}" font-size="11" fill="#8c959f">${start} UTC</text>
<text x="${WIDTH - 4}" y="${HEIGHT - 4}" text-anchor="end" font-size="11" fill="#8c959f">${end} UTC</text>
${bars}
</svg>
<figcaption class="legend">Finished per minute, last hour (peak ${peak}/min):
${STATUSES.map((status) => html`<span data-testid="${testId}-${status}"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${COLORS[status]}"/></svg> ${status} ${totals[status]}</span>`)}
</figcaption></figure>`;
}
