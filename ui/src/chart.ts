// The per-pillar risk breakdown: for each pillar a stacked bar of successes and one of failures,
// each split by risk level, with the pillar score (successes / total) in the label.

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartDataset,
  Legend,
  LinearScale,
  Tooltip,
} from "chart.js";
import type { PillarReport } from "./bindings/PillarReport";
import { formatScore, pillarName, RISKS, score } from "./model";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

// Highest risk darkest.
const FAIL_COLOURS = ["#7f0000", "#b71c1c", "#e53935", "#fb8c00", "#fdd835"];
const PASS_COLOURS = ["#1b5e20", "#2e7d32", "#43a047", "#66bb6a", "#a5d6a7"];

export function pillarLabel(p: PillarReport): string {
  return `${pillarName(p.pillar_id)}  ${formatScore(score(Number(p.successes), Number(p.failures)))}`;
}

export function pillarDatasets(pillars: readonly PillarReport[]): ChartDataset<"bar", number[]>[] {
  const sets: ChartDataset<"bar", number[]>[] = [];
  RISKS.forEach((risk, i) => {
    sets.push({
      label: `Failures: ${risk.label}`,
      data: pillars.map((p) => Number(p.by_risk[risk.key].failures)),
      backgroundColor: FAIL_COLOURS[i],
      stack: "failures",
    });
  });
  RISKS.forEach((risk, i) => {
    sets.push({
      label: `Successes: ${risk.label}`,
      data: pillars.map((p) => Number(p.by_risk[risk.key].successes)),
      backgroundColor: PASS_COLOURS[i],
      stack: "successes",
    });
  });
  return sets;
}

let current: Chart<"bar", number[], string> | null = null;

export function drawPillarChart(canvas: HTMLCanvasElement, pillars: readonly PillarReport[]): void {
  current?.destroy();
  current = new Chart<"bar", number[], string>(canvas, {
    type: "bar",
    data: { labels: pillars.map(pillarLabel), datasets: pillarDatasets(pillars) },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true, title: { display: true, text: "checks" } },
        y: { stacked: true },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12, font: { size: 11 } } },
        tooltip: { mode: "nearest" },
      },
    },
  });
}
