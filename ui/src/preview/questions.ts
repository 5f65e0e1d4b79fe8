// The question list, grouped by pillar: status, counts, the opt-out box, and the selection the
// detail beside it follows. Up/down (or j/k) move the selection from row to row.

import { effect } from "@preact/signals-core";
import type { QuestionReport } from "../bindings/QuestionReport";
import { h } from "../dom";
import { canOptOut, fmt, groupByPillar, PILLARS, pillarName, statusView } from "../model";
import * as s from "../state";
import { mount, type Unmount, unmountAll } from "../view";
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

/** Keys that move the selection, and by how many rows. */
const MOVES: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 };

function questionRow(q: QuestionReport, onKey: (ev: KeyboardEvent) => void): HTMLElement {
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
  // Selection is drawn by `followSelection`, so selecting does not rebuild the list (which would
  // lose its scroll position); the row starts out right for the selection of the moment.
  const selected = s.selected.peek() === q.question_id;
  const row = h(
    "tr",
    {
      class: `qrow ${selected ? "selected" : ""} ${opted ? "opted" : ""}`,
      testid: `question-row-${q.question_id}`,
      "data-question": q.question_id,
      "data-status": q.status,
      "aria-selected": selected ? "true" : "false",
      tabindex: -1,
    },
    h("td", {}, box),
    h("td", {}, h("span", { class: "qnum" }, q.number), " ", q.title),
    h("td", { class: "num" }, uncovered ? "\u2013" : fmt(q.successes)),
    h("td", { class: "num" }, uncovered ? "\u2013" : fmt(q.failures)),
    h("td", {}, h("span", { class: `pill ${view.tone}`, testid: "status" }, view.label)),
  );
  row.addEventListener("click", () => {
    s.selected.value = q.question_id;
  });
  row.addEventListener("keydown", onKey);
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

function rows(card: HTMLElement): HTMLElement[] {
  return Array.from(card.querySelectorAll<HTMLElement>("tr.qrow"));
}

/** Marks the selected row (class, `aria-selected`) and makes it the list's one tab stop (the
 *  first row when none is selected). */
function followSelection(card: HTMLElement): Unmount {
  return effect(() => {
    const id = s.selected.value;
    const all = rows(card);
    const stop = all.find((r) => r.dataset.question === id) ?? all[0];
    for (const row of all) {
      const on = row.dataset.question === id;
      row.classList.toggle("selected", on);
      row.setAttribute("aria-selected", on ? "true" : "false");
      row.tabIndex = row === stop ? 0 : -1;
    }
  });
}

export function mountQuestions(card: HTMLElement): Unmount {
  const onKey = (ev: KeyboardEvent) => {
    const row = ev.currentTarget as HTMLElement;
    const id = row.dataset.question;
    // Keys on the opt-out box inside the row are the box's own (space ticks it).
    if (!id || ev.target !== row) return;
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      s.selected.value = id;
      return;
    }
    const step = MOVES[ev.key];
    if (!step || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    ev.preventDefault();
    const all = rows(card);
    const next = all[all.indexOf(row) + step];
    if (!next?.dataset.question) return;
    s.selected.value = next.dataset.question;
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  };
  const list = mount(card, () => {
    const r = s.report.value;
    if (!r) return [];
    const filter = s.pillarFilter.value;
    const body: HTMLElement[] = [];
    for (const [pillarId, questions] of groupByPillar(r.questions)) {
      if (filter !== "all" && filter !== pillarId) continue;
      body.push(h("tr", { class: "group" }, h("td", { colspan: 5 }, pillarName(pillarId))));
      for (const q of questions) body.push(questionRow(q, onKey));
    }
    const tabStop =
      body.find((row) => row.getAttribute("aria-selected") === "true") ?? body.find((row) => row.dataset.question);
    if (tabStop) tabStop.tabIndex = 0;
    // Opting a question out rebuilds the list: keep where it was scrolled to.
    const scrolledTo = card.querySelector(".list-scroll")?.scrollTop ?? 0;
    const scroller = h(
      "div",
      { class: "list-scroll" },
      h(
        "table",
        { class: "qtable", role: "grid", "aria-label": "Questions (up/down or j/k to move)" },
        tableHead(),
        h("tbody", {}, ...body),
      ),
    );
    queueMicrotask(() => {
      scroller.scrollTop = scrolledTo;
    });
    return [h("div", { class: "list-head" }, h("h3", {}, "Questions"), pillarSelect()), scroller];
  });
  return unmountAll([list, followSelection(card)]);
}
