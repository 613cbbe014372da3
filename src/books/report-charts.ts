// Bar charts of the transparency report as view models for inline SVG: a value axis with ticks,
// each bar's value written above it, a legend. No script needed; the page prints as it shows.
import { toDecimalString } from "../shared/money.js";

export interface ChartSeries {
  name: string;
  color: string;
}

export interface ChartGroup {
  label: string;
  /** One value per series, in minor units; null for a cell shown as "<3". */
  values: (number | null)[];
}

const WIDTH = 640;
const HEIGHT = 260;
const LEFT = 70;
const BOTTOM = 40;
const TOP = 20;

function niceMax(max: number): number {
  if (max <= 0) return 100;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
}

export function barChart(title: string, currency: string, series: ChartSeries[], groups: ChartGroup[]) {
  const max = niceMax(Math.max(0, ...groups.flatMap((g) => g.values.map((v) => v ?? 0))));
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT - 10) / Math.max(1, groups.length);
  const barWidth = Math.max(6, Math.min(48, (slot - 12) / series.length));
  const y = (v: number) => TOP + plotHeight - Math.round((plotHeight * v) / max);
  const ticks = [0, 1, 2, 3, 4].map((i) => {
    const value = Math.round((max * i) / 4);
    return { y: y(value), label: toDecimalString(value, currency) };
  });
  const bars = groups.flatMap((g, gi) =>
    g.values.map((v, si) => {
      const x = LEFT + gi * slot + 6 + si * barWidth;
      const value = v ?? 0;
      const text = v === null ? "<3" : toDecimalString(v, currency);
      return {
        x,
        y: y(value),
        w: barWidth - 2,
        h: TOP + plotHeight - y(value),
        color: series[si]!.color,
        text,
        textX: x + (barWidth - 2) / 2,
        textY: y(value) - 4,
        title: `${g.label}, ${series[si]!.name}: ${text} ${currency}`,
      };
    }),
  );
  return {
    title,
    currency,
    width: WIDTH,
    height: HEIGHT,
    axisX: LEFT,
    axisTop: TOP,
    axisBottom: TOP + plotHeight,
    axisRight: WIDTH - 10,
    ticks,
    bars,
    labels: groups.map((g, gi) => ({ text: g.label, x: LEFT + gi * slot + slot / 2, y: HEIGHT - BOTTOM + 16 })),
    legend: series.map((s, i) => ({ name: s.name, color: s.color, x: LEFT + i * 160, y: HEIGHT - 8, textX: LEFT + i * 160 + 16 })),
  };
}
