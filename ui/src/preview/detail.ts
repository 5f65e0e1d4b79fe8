// The selected question: its counts by risk, the rules to review, and its current notes beside
// the diff to the new ones (or, once written, what the push changed).

import type { QuestionReport } from "../bindings/QuestionReport";
import { type DiffLine, diffStats, lineDiff } from "../diff";
import { h } from "../dom";
import { fmt, RISKS, statusView } from "../model";
import * as s from "../state";
import { mount, type Unmount } from "../view";

function riskTable(q: QuestionReport): HTMLElement {
  return h(
    "table",
    { class: "risk-table" },
    h(
      "thead",
      {},
      h("tr", {}, h("th", {}, "Risk"), h("th", { class: "num" }, "Successes"), h("th", { class: "num" }, "Failures")),
    ),
    h(
      "tbody",
      {},
      ...RISKS.map((risk) =>
        h(
          "tr",
          {},
          h("td", {}, risk.label),
          h("td", { class: "num" }, fmt(q.by_risk[risk.key].successes)),
          h("td", { class: "num" }, fmt(q.by_risk[risk.key].failures)),
        ),
      ),
    ),
  );
}

function countsAndRules(q: QuestionReport): HTMLElement | null {
  if (q.status === "not-covered") return null;
  return h(
    "div",
    { class: "detail-meta" },
    riskTable(q),
    h(
      "div",
      {},
      h("h4", {}, "Rules to review"),
      q.rule_ids_to_review.length
        ? h("p", { class: "mono small" }, q.rule_ids_to_review.join(", "))
        : h("p", { class: "muted" }, "None: no counted failures."),
    ),
  );
}

function diffView(diff: DiffLine[]): HTMLElement {
  return h(
    "pre",
    { class: "notes diff", testid: "diff" },
    ...diff.map((line) =>
      h(
        "span",
        { class: `dl ${line.op}`, "data-op": line.op },
        `${line.op === "add" ? "+ " : line.op === "del" ? "\u2212 " : "  "}${line.text}`,
      ),
    ),
  );
}

function notesColumns(q: QuestionReport): HTMLElement {
  // A written question's notes are now the new ones; the diff still shows what the push changed.
  const written = q.status === "written";
  const before = q.current_notes ?? "";
  const next = q.notes ?? before;
  const current = written ? next : before;
  const diff = lineDiff(before, next);
  const stats = diffStats(diff);
  return h(
    "div",
    { class: "notes-cols" },
    h(
      "div",
      { class: "notes-col" },
      h("h4", {}, written ? "Current notes (as written)" : "Current notes"),
      h(
        "pre",
        { class: "notes", testid: "current-notes" },
        q.current_notes === undefined && !written
          ? "(no workload read: the current notes are shown as empty)"
          : current || "(empty)",
      ),
    ),
    h(
      "div",
      { class: "notes-col" },
      h(
        "h4",
        {},
        written ? "What the push changed  " : "New notes  ",
        h("span", { class: "muted small", testid: "diff-stats" }, `+${stats.added} \u2212${stats.removed} lines`),
      ),
      diffView(diff),
    ),
  );
}

export function mountDetail(card: HTMLElement): Unmount {
  return mount(card, () => {
    const r = s.report.value;
    if (!r) return [];
    const q = r.questions.find((x) => x.question_id === s.selected.value);
    if (!q) return h("p", { class: "muted" }, "Select a question to compare its notes.");
    const view = statusView(q.status, s.optedOut.value.has(q.question_id));
    return [
      h(
        "div",
        { class: "detail-head" },
        h("h3", {}, `${q.number} ${q.title}`),
        h("span", { class: `pill ${view.tone}` }, view.label),
      ),
      q.status === "not-covered"
        ? h(
            "p",
            { class: "human-note", testid: "needs-human" },
            "No Conformity rule informs this question. It needs a human answer; wa-sync leaves its notes alone.",
          )
        : null,
      q.error ? h("p", { class: "error" }, q.error) : null,
      countsAndRules(q),
      notesColumns(q),
    ];
  });
}
