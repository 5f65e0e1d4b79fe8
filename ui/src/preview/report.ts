// The preview's figures: the summary tiles, the per-pillar chart and scores, and what was left out
// of the counts.

import type { PreviewReport } from "../bindings/PreviewReport";
import { drawPillarChart } from "../chart";
import { h } from "../dom";
import { fmt, formatScore, leftOutRows, pillarName, score } from "../model";
import * as s from "../state";
import { mount, type Unmount } from "../view";

function stat(label: string, value: number | bigint, testid: string, tone = ""): HTMLElement {
  return h(
    "div",
    { class: `stat ${tone}`, testid },
    h("span", { class: "stat-value" }, fmt(value)),
    h("span", { class: "stat-label" }, label),
  );
}

export function mountSummary(el: HTMLElement): Unmount {
  return mount(el, () => {
    const r = s.report.value;
    const t = s.currentTotals.value;
    if (!r || !t) return [];
    const leftOut = Object.values(r.checks.left_out).reduce((a, b) => a + Number(b), 0);
    return [
      stat("Checks read", r.checks.fetched, "checks-fetched"),
      stat("Counted", r.checks.counted, "checks-counted"),
      stat("Left out", leftOut, "checks-left-out"),
      t.written ? stat("Written", t.written, "total-written", "done") : null,
      stat("Would change", t.wouldChange, "total-would-change"),
      stat("Unchanged", t.unchanged, "total-unchanged"),
      stat("Need a human answer", t.notCovered, "total-not-covered", "human"),
      t.optedOut ? stat("Left out by you", t.optedOut, "total-opted-out") : null,
      t.failed ? stat("Cannot write", t.failed, "total-failed", "error") : null,
    ];
  });
}

function scoreTable(r: PreviewReport): HTMLElement {
  return h(
    "table",
    { class: "scores", testid: "pillar-scores" },
    h(
      "thead",
      {},
      h("tr", {}, h("th", {}, "Pillar"), h("th", {}, "Successes"), h("th", {}, "Failures"), h("th", {}, "Score")),
    ),
    h(
      "tbody",
      {},
      ...r.pillars.map((p) =>
        h(
          "tr",
          { testid: `pillar-${p.pillar_id}` },
          h("td", {}, pillarName(p.pillar_id)),
          h("td", { class: "num" }, fmt(p.successes)),
          h("td", { class: "num" }, fmt(p.failures)),
          h("td", { class: "num" }, formatScore(score(Number(p.successes), Number(p.failures)))),
        ),
      ),
    ),
  );
}

export function mountChart(card: HTMLElement): Unmount {
  return mount(card, () => {
    const r = s.report.value;
    if (!r) return [h("h3", {}, "Pillars"), h("p", { class: "muted" }, "Run a preview to see the pillars.")];
    const canvas = h("canvas", {
      testid: "pillar-chart",
      "aria-label": "Checks per pillar by risk level",
      role: "img",
    });
    // Chart.js sizes itself from the canvas's box, so it draws once the canvas is in the page.
    queueMicrotask(() => drawPillarChart(canvas, r.pillars));
    return [
      h("h3", {}, "Pillars"),
      h("p", { class: "muted small" }, "Failures and successes by risk level. Score = successes / total."),
      h("div", { class: "chart-box" }, canvas),
      scoreTable(r),
    ];
  });
}

function unmappedRules(r: PreviewReport): HTMLElement | null {
  if (!r.unmapped_rules.length) return null;
  return h(
    "details",
    { testid: "unmapped-rules" },
    h("summary", {}, `${r.unmapped_rules.length} unmapped rules`),
    h(
      "table",
      {},
      h(
        "tbody",
        {},
        ...r.unmapped_rules.map((u) =>
          h(
            "tr",
            {},
            h("td", { class: "mono" }, u.rule_id),
            h("td", { class: "num" }, fmt(u.checks)),
            h("td", { class: "muted small" }, u.reason),
          ),
        ),
      ),
    ),
  );
}

export function mountLeftOut(card: HTMLElement): Unmount {
  return mount(card, () => {
    const r = s.report.value;
    if (!r) return [];
    return [
      h("h3", {}, "Left out of the counts"),
      h(
        "table",
        { class: "left-out" },
        h(
          "tbody",
          {},
          ...leftOutRows(r.checks.left_out).map((row) =>
            h(
              "tr",
              { testid: `left-out-${row.key}` },
              h("td", {}, row.label),
              h("td", { class: "num" }, fmt(row.count)),
              h("td", { class: "muted small" }, row.reason),
            ),
          ),
        ),
      ),
      unmappedRules(r),
      ...r.warnings.map((w) => h("p", { class: "warning", testid: "warning" }, w)),
    ];
  });
}
