import type { DayBar } from '.';

export interface ChartBar {
  day: number;
  date: string;
  created: number;
  retrieved: number;
  x: number;
  createdY: number;
  createdHeight: number;
  retrievedY: number;
  retrievedHeight: number;
}

export interface Chart {
  width: number;
  height: number;
  barWidth: number;
  max: number;
  bars: ChartBar[];
}

/**
 * Geometry for the usage chart, drawn as SVG by the view: presentation attributes, not style
 * attributes, so the strict CSP needs no exception. Two stacked bars per day.
 */
export function usageChart(days: DayBar[], height = 160, slot = 18): Chart {
  const max = Math.max(1, ...days.map((d) => d.created + d.retrieved));
  const scale = (n: number) => Math.round((n / max) * (height - 10));
  const barWidth = slot - 4;
  return {
    width: days.length * slot,
    height,
    barWidth,
    max,
    bars: days.map((d, i) => {
      const createdHeight = scale(d.created);
      const retrievedHeight = scale(d.retrieved);
      return {
        ...d,
        x: i * slot + 2,
        createdY: height - createdHeight,
        createdHeight,
        retrievedY: height - createdHeight - retrievedHeight,
        retrievedHeight,
      };
    }),
  };
}
