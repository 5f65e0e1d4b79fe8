// The question list, grouped by pillar: status, counts, the opt-out box, and selecting a question
// for the detail below.

import type { QuestionReport } from "../bindings/QuestionReport";
import { h } from "../dom";
import { canOptOut, fmt, groupByPillar, PILLARS, pillarName, statusView } from "../model";
import * as s from "../state";
import { mount, type Unmount } from "../view";
import { setOptedOut } from "./actions";

function pillarSelect(): HTMLSelectElement {
  const filter = h(
    "select",
    { testid: "pillar-filter", "aria-label": "Pillar" },
    h("option", { value: "all" }, "All pillars"),
    ...PILLARS.map((p) => h("option", { value: p.id }, p.name)),
  );
  filter.value = s.pillarFilter.value;
  filter.addEventListener("change", () => {
    s.pillarFilter.value = filter.value;
  });
  return filter;
}

function questionRow(q: QuestionReport, onSelect: () => void): HTMLElement {
  const opted = s.optedOut.value.has(q.question_id);
  const view = statusView(q.status, opted);
  const box = h("input", {
    type: "checkbox",
    testid: `opt-${q.question_id}`,
    "aria-label": `Write ${q.number}`,
    checked: canOptOut(q) && !opted,
    disabled: !canOptOut(q),
  });
  box.addEventListener("click", (ev) => ev.stopPropagation());
  box.addEventListener("change", () => setOptedOut(q.question_id, !box.checked));
  const uncovered = q.status === "not-covered";
  const row = h(
    "tr",
    {
      class: `qrow ${s.selected.value === q.question_id ? "selected" : ""} ${opted ? "opted" : ""}`,
      testid: `question-row-${q.question_id}`,
      "data-status": q.status,
      tabindex: 0,
    },
    h("td", {}, box),
    h("td", {}, h("span", { class: "qnum" }, q.number), " ", q.title),
    h("td", { class: "num" }, uncovered ? "\u2013" : fmt(q.successes)),
    h("td", { class: "num" }, uncovered ? "\u2013" : fmt(q.failures)),
    h("td", {}, h("span", { class: `pill ${view.tone}`, testid: "status" }, view.label)),
  );
  row.addEventListener("click", onSelect);
  row.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") onSelect();
  });
  return row;
}

function tableHead(): HTMLElement {
  return h(
    "thead",
    {},
    h(
      "tr",
      {},
      h("th", { title: "Untick to leave a question's notes as they are" }, "Write"),
      h("th", {}, "Question"),
      h("th", { class: "num" }, "OK"),
      h("th", { class: "num" }, "Fail"),
      h("th", {}, "Status"),
    ),
  );
}

/** `detail` is scrolled into view when a question is selected. */
export function mountQuestions(card: HTMLElement, detail: HTMLElement): Unmount {
  return mount(card, () => {
    const r = s.report.value;
    if (!r) return [];
    const filter = s.pillarFilter.value;
    const select = (q: QuestionReport) => () => {
      s.selected.value = q.question_id;
      detail.scrollIntoView({ block: "nearest", behavior: "smooth" });
    };
    const body: HTMLElement[] = [];
    for (const [pillarId, questions] of groupByPillar(r.questions)) {
      if (filter !== "all" && filter !== pillarId) continue;
      body.push(h("tr", { class: "group" }, h("td", { colspan: 6 }, pillarName(pillarId))));
      for (const q of questions) body.push(questionRow(q, select(q)));
    }
    return [
      h("div", { class: "list-head" }, h("h3", {}, "Questions"), pillarSelect()),
      h("div", { class: "list-scroll" }, h("table", { class: "qtable" }, tableHead(), h("tbody", {}, ...body))),
    ];
  });
}
