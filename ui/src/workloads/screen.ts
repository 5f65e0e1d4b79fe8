// The Workloads screen: the plan file the command line runs (its path shown), its targets with
// their last sync and score trend, Preview all / Sync all with each target's progress, the
// target editor, and the chosen target's per-pillar scores over time.

import { effect } from "@preact/signals-core";
import type { TargetView } from "../bindings/TargetView";
import { drawScoreHistory } from "../chart";
import { type Child, h } from "../dom";
import { mount, type Unmount, unmountAll } from "../view";
import { cancelPlanRun, choosePlanFile, editTarget, previewTarget, removeTarget, runPlan } from "./actions";
import { mountEditor } from "./editor";
import {
  lastSyncText,
  outcomeText,
  outcomeTone,
  overallScore,
  sourceName,
  sparklinePoints,
  workloadLabel,
} from "./model";
import * as w from "./state";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** The overall score of each sync as a small line, with the latest score beside it. */
function sparkline(t: TargetView): HTMLElement {
  const name = t.target.name;
  const points = sparklinePoints(t.history, 80, 20);
  const latest = t.history.at(-1);
  const score = latest ? overallScore(latest.pillars) : null;
  const box = h("span", { class: "trend", testid: `target-trend-${name}` });
  if (points) {
    const chart = svg("svg", { width: "80", height: "20", viewBox: "0 -1 80 22", role: "img" });
    chart.setAttribute("aria-label", `score over the last ${t.history.length} syncs`);
    chart.append(svg("polyline", { points, fill: "none", stroke: "#1565c0", "stroke-width": "1.5" }));
    box.append(chart);
  }
  box.append(h("span", { class: "small" }, score === null ? "no syncs yet" : ` ${Math.round(score * 100)}%`));
  return box;
}

function header(): Child[] {
  const view = w.plan.value;
  const err = w.planError.value;
  return [
    h("h1", {}, "Workloads"),
    view?.demo
      ? h(
          "p",
          { class: "demo-banner", testid: "plan-path" },
          h("strong", {}, "DEMO PLAN"),
          " \u2014 three targets over the demo account's simulated Vision One checks, with a few weeks of made-up history. Nothing is saved; previews run on the demo data.",
        )
      : h(
          "p",
          { class: "plan-file" },
          "Plan file: ",
          h("code", { testid: "plan-path" }, view?.path ?? "\u2026"),
          view && !view.exists ? h("span", { class: "muted" }, " (not created yet: saving a target creates it)") : null,
          " ",
          h(
            "button",
            { class: "link", testid: "plan-open", onclick: () => void choosePlanFile() },
            "Open another plan\u2026",
          ),
        ),
    view && !view.demo && view.path
      ? h(
          "p",
          { class: "muted small" },
          "The command line runs the same file unattended: ",
          h("code", { testid: "plan-cli" }, `wa-sync sync --plan ${view.path} --json`),
        )
      : null,
    view?.problem ? h("pre", { class: "error", testid: "plan-problem" }, view.problem) : null,
    err ? h("p", { class: "error", testid: "plan-error" }, `${err.message} (${err.code})`) : null,
  ];
}

function toolbar(): Child[] {
  const view = w.plan.value;
  const run = w.planRun.value;
  const empty = !view || view.targets.length === 0;
  const switchBox = (testid: string, label: string, on: boolean, set: (v: boolean) => void, help: string) => {
    const box = h("input", { type: "checkbox", testid, checked: on, disabled: !!run });
    box.addEventListener("change", () => set((box as HTMLInputElement).checked));
    return h("label", { class: "switch", title: help }, box, ` ${label}`);
  };
  const runErr = w.runError.value;
  return [
    h(
      "div",
      { class: "run-buttons" },
      h(
        "button",
        { testid: "plan-preview-all", disabled: empty || !!run, onclick: () => void runPlan(false) },
        "Preview all",
      ),
      h(
        "button",
        {
          class: "primary",
          testid: "plan-sync-all",
          disabled: empty || !!run || !!view?.demo,
          title: view?.demo ? "The demo has one simulated workload: open a target's preview to push it" : undefined,
          onclick: () => void runPlan(true),
        },
        "Sync all",
      ),
      run ? h("button", { testid: "plan-cancel", onclick: () => cancelPlanRun() }, "Cancel") : null,
      h(
        "button",
        {
          testid: "plan-add-target",
          disabled: !!run || !view || view.demo || !!view.problem,
          onclick: () => editTarget(null),
        },
        "Add a target",
      ),
    ),
    h(
      "div",
      { class: "switches" },
      switchBox(
        "plan-milestone",
        "Save a milestone before writing",
        w.milestone.value,
        (v) => {
          w.milestone.value = v;
        },
        "Each review's own history then shows its state before wa-sync wrote to it",
      ),
      switchBox(
        "plan-pillar-notes",
        "Pillar notes",
        w.pillarNotes.value,
        (v) => {
          w.pillarNotes.value = v;
        },
        "Also write a short summary into each pillar's notes (the reviewer's text is kept)",
      ),
    ),
    runErr ? h("p", { class: "error", testid: "plan-run-error" }, `${runErr.message} (${runErr.code})`) : null,
  ];
}

function statusCell(name: string): Child {
  const run = w.targetRuns.value[name];
  if (!run) return null;
  if (run.outcome) {
    return h(
      "span",
      {
        class: `pill ${outcomeTone(run.outcome.outcome)}`,
        testid: `target-result-${name}`,
        title: run.outcome.error ?? "",
      },
      outcomeText(run.outcome),
    );
  }
  return h("span", { class: "muted small", testid: `target-progress-${name}` }, run.text);
}

function targetRow(t: TargetView): HTMLElement {
  const target = t.target;
  const name = target.name;
  const demo = w.plan.value?.demo ?? false;
  const busy = !!w.planRun.value;
  const last = lastSyncText(t.history);
  const confirming = w.confirmRemove.value === name;
  return h(
    "tr",
    {
      class: `target-row ${w.chartTarget.value === name ? "selected" : ""}`,
      testid: `target-row-${name}`,
      onclick: () => {
        w.chartTarget.value = name;
      },
    },
    h("td", { class: "target-name" }, h("strong", {}, name)),
    h("td", {}, sourceName(target.source)),
    h("td", { class: "mono small wrap-anywhere" }, target.account_ids.join(", ")),
    h(
      "td",
      { class: "small wrap-anywhere", title: target.workload_arn },
      workloadLabel(target.workload_arn),
      target.filter_tags.length > 0 ? h("div", { class: "muted" }, `tags: ${target.filter_tags.join(", ")}`) : null,
    ),
    h(
      "td",
      { class: "small", testid: `target-last-${name}` },
      last
        ? h("span", { class: `pill ${outcomeTone(t.history.at(-1)?.outcome ?? "")}` }, last)
        : h("span", { class: "muted" }, "never synced"),
    ),
    h("td", {}, sparkline(t)),
    h("td", { class: "small" }, statusCell(name)),
    h(
      "td",
      { class: "row-actions" },
      h(
        "button",
        {
          testid: `target-preview-${name}`,
          disabled: busy,
          onclick: (ev: Event) => {
            ev.stopPropagation();
            previewTarget(target);
          },
        },
        "Preview",
      ),
      demo
        ? null
        : h(
            "button",
            {
              testid: `target-edit-${name}`,
              disabled: busy,
              onclick: (ev: Event) => {
                ev.stopPropagation();
                editTarget(target);
              },
            },
            "Edit",
          ),
      demo
        ? null
        : confirming
          ? h(
              "span",
              { class: "confirm" },
              h(
                "button",
                {
                  class: "danger",
                  testid: `target-remove-confirm-${name}`,
                  onclick: (ev: Event) => {
                    ev.stopPropagation();
                    w.confirmRemove.value = null;
                    void removeTarget(name);
                  },
                },
                "Remove it",
              ),
              h(
                "button",
                {
                  class: "link",
                  onclick: (ev: Event) => {
                    ev.stopPropagation();
                    w.confirmRemove.value = null;
                  },
                },
                "Keep",
              ),
            )
          : h(
              "button",
              {
                class: "link",
                testid: `target-remove-${name}`,
                disabled: busy,
                onclick: (ev: Event) => {
                  ev.stopPropagation();
                  w.confirmRemove.value = name;
                },
              },
              "Remove",
            ),
    ),
  );
}

function targetList(): Child {
  const view = w.plan.value;
  if (!view) return h("p", { class: "muted" }, "Reading the plan\u2026");
  if (view.targets.length === 0) {
    return h(
      "p",
      { class: "muted", testid: "plan-empty" },
      view.problem
        ? "Fix the plan file (above) to see its targets."
        : "No targets yet. Add one: a name, the accounts whose checks count, optionally tags, and the workload whose notes they go to.",
    );
  }
  return h(
    "table",
    { class: "targets", testid: "plan-targets" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Target", "Source", "Accounts", "Workload", "Last sync", "Score trend", "This run", ""].map((c) =>
          h("th", {}, c),
        ),
      ),
    ),
    h("tbody", {}, ...view.targets.map(targetRow)),
  );
}

/** The chosen target's per-pillar score at each sync; the canvas is kept while the data changes. */
function mountHistoryChart(card: HTMLElement): Unmount {
  const title = h("h3", {}, "Score per pillar over time");
  const note = h("p", { class: "muted small", testid: "target-chart-note" });
  const canvas = h("canvas", { testid: "target-chart-canvas" });
  card.replaceChildren(title, note, h("div", { class: "chart-box" }, canvas));
  return effect(() => {
    const name = w.chartTarget.value;
    const target = w.plan.value?.targets.find((t) => t.target.name === name);
    if (!target || target.history.length === 0) {
      card.hidden = true;
      return;
    }
    card.hidden = false;
    title.textContent = `Score per pillar over time: ${target.target.name}`;
    const n = target.history.length;
    note.textContent = `${n} ${n === 1 ? "sync" : "syncs"}; click another target's row to see its own.`;
    drawScoreHistory(canvas, target.history);
  });
}

// The editor. Built once per opening, so what the user types stays while the lists and chips
// around the fields follow the state.

export function workloadsScreen(host: HTMLElement): Unmount {
  const head = h("div", { class: "slot" });
  const tools = h("div", { class: "card plan-tools", testid: "plan-tools" });
  const list = h("div", { class: "card", testid: "plan-list" });
  const editor = h("div", { class: "card target-editor", testid: "target-editor" });
  const chart = h("div", { class: "card chart-card", testid: "target-chart" });
  host.replaceChildren(
    h("section", { class: "workloads", testid: "workloads-screen" }, head, tools, list, editor, chart),
  );
  return unmountAll([
    mount(head, header),
    mount(tools, toolbar),
    mount(list, targetList),
    mountEditor(editor),
    mountHistoryChart(chart),
  ]);
}
