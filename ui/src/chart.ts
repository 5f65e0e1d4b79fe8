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
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import type { PillarReport } from "./bindings/PillarReport";
import type { SyncPoint } from "./bindings/SyncPoint";
import { formatScore, pillarName, RISKS, score } from "./model";
import { pillarIds, pillarScore, shortTime } from "./workloads/model";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
  LineController,
  LineElement,
  PointElement,
);

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

const PILLAR_COLOURS = ["#1565c0", "#6a1b9a", "#2e7d32", "#ef6c00", "#c62828", "#00838f"];

let history: Chart<"line", (number | null)[], string> | null = null;

/** Each pillar's score (successes / counted checks, in %) at each sync of one target. */
export function drawScoreHistory(canvas: HTMLCanvasElement, points: readonly SyncPoint[]): void {
  history?.destroy();
  history = new Chart<"line", (number | null)[], string>(canvas, {
    type: "line",
    data: {
      labels: points.map((p) => shortTime(p.synced_at).slice(0, 10)),
      datasets: pillarIds(points).map((id, i) => ({
        label: pillarName(id),
        data: points.map((p) => {
          const score = pillarScore(p.pillars, id);
          return score === null ? null : Math.round(score * 1000) / 10;
        }),
        borderColor: PILLAR_COLOURS[i % PILLAR_COLOURS.length],
        backgroundColor: PILLAR_COLOURS[i % PILLAR_COLOURS.length],
        tension: 0.2,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min: 0, max: 100, title: { display: true, text: "score %" } } },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12, font: { size: 11 } } } },
    },
  });
}
