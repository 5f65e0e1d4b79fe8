// The selected question, beside the list: its best practices with what the counted rules say
// about them, the rules (each expandable to its failing resources, with links that open in the
// system browser), its counts by risk, and its current notes beside the diff to the new ones
// (or, once written, what the push changed).

import { signal } from "@preact/signals-core";
import type { BestPracticeEvidence } from "../bindings/BestPracticeEvidence";
import type { FailingResource } from "../bindings/FailingResource";
import type { QuestionReport } from "../bindings/QuestionReport";
import type { RiskLevel } from "../bindings/RiskLevel";
import type { RuleEvidence } from "../bindings/RuleEvidence";
import { type DiffLine, diffStats, lineDiff } from "../diff";
import { h } from "../dom";
import { fmt, RISKS, statusView } from "../model";
import * as s from "../state";
import { mount, type Unmount } from "../view";
import { linkButton } from "./links";

/** The rules whose failing resources are shown, as `question/rule`, kept while the user moves
 *  between questions. */
const expanded = signal<ReadonlySet<string>>(new Set());

function toggleExpanded(key: string): void {
  const next = new Set(expanded.value);
  if (!next.delete(key)) next.add(key);
  expanded.value = next;
}

function riskLabel(level: RiskLevel | null): string {
  return RISKS.find((r) => r.key === level)?.label ?? "\u2013";
}

/** Extreme and very high risks are the ones to act on first. */
function riskTone(level: RiskLevel | null): string {
  return level === "EXTREME" || level === "VERY_HIGH" ? "error" : level === "HIGH" ? "human" : "same";
}

const BP_STATUS: Record<BestPracticeEvidence["status"], { label: string; tone: string }> = {
  failing: { label: "failing", tone: "error" },
  passing: { label: "all passing", tone: "done" },
  "no-evidence": { label: "no evidence", tone: "same" },
};

function bestPractices(q: QuestionReport): HTMLElement | null {
  if (!q.best_practices.length) return null;
  return h(
    "section",
    { class: "evidence", testid: "best-practices" },
    h(
      "h4",
      {},
      "Best practices ",
      h("span", { class: "muted small" }, "evidence only: the choices stay yours to tick"),
    ),
    h(
      "table",
      { class: "evidence-table" },
      h(
        "tbody",
        {},
        ...q.best_practices.map((bp) => {
          const view = BP_STATUS[bp.status];
          return h(
            "tr",
            { testid: "bp-row", "data-bp": bp.id, "data-status": bp.status },
            h("td", { class: "mono nowrap" }, bp.id),
            h(
              "td",
              {},
              bp.title,
              bp.rule_ids.length ? h("div", { class: "mono small muted" }, bp.rule_ids.join(", ")) : null,
            ),
            h("td", { class: "num" }, bp.failures ? fmt(bp.failures) : ""),
            h("td", {}, h("span", { class: `pill ${view.tone}`, testid: "bp-status" }, view.label)),
          );
        }),
      ),
    ),
  );
}

function resourceRows(rule: RuleEvidence): HTMLElement {
  const more = rule.failing_resources_total - rule.failing_resources.length;
  const row = (r: FailingResource) =>
    h(
      "tr",
      { testid: "resource-row" },
      h(
        "td",
        { class: "mono" },
        r.resource ?? "(no resource)",
        r.resource_name ? h("div", { class: "muted small" }, r.resource_name) : null,
      ),
      h("td", { class: "nowrap" }, r.region ?? ""),
      h("td", {}, r.message ?? ""),
      h("td", {}, linkButton(r.link, "Open", "resource-link")),
    );
  return h(
    "tr",
    { class: "rule-resources", testid: "rule-resources", "data-rule": rule.rule_id },
    h(
      "td",
      { colspan: 6 },
      h(
        "table",
        { class: "resources" },
        h(
          "thead",
          {},
          h("tr", {}, h("th", {}, "Resource"), h("th", {}, "Region"), h("th", {}, "Message"), h("th", {}, "")),
        ),
        h("tbody", {}, ...rule.failing_resources.map(row)),
      ),
      more > 0
        ? h(
            "p",
            { class: "muted small", testid: "resources-more" },
            `${fmt(more)} more (the riskiest ${fmt(rule.failing_resources.length)} of ${fmt(rule.failing_resources_total)} are shown)`,
          )
        : null,
    ),
  );
}

function ruleRows(q: QuestionReport, rule: RuleEvidence): HTMLElement[] {
  const key = `${q.question_id}/${rule.rule_id}`;
  const open = expanded.value.has(key);
  const canOpen = rule.failing_resources.length > 0;
  const toggle = h(
    "button",
    {
      type: "button",
      class: "toggle",
      testid: "rule-toggle",
      "aria-expanded": open ? "true" : "false",
      "aria-label": `${open ? "Hide" : "Show"} the failing resources of ${rule.rule_id}`,
      disabled: !canOpen,
    },
    canOpen ? (open ? "\u25BE" : "\u25B8") : "",
  );
  toggle.addEventListener("click", () => toggleExpanded(key));
  const row = h(
    "tr",
    { class: "rule-row", testid: "rule-row", "data-rule": rule.rule_id },
    h("td", {}, toggle),
    h("td", { class: "mono nowrap" }, rule.rule_id),
    h("td", {}, rule.title ?? h("span", { class: "muted" }, "(no title in the checks)")),
    h("td", {}, h("span", { class: `pill ${riskTone(rule.risk_level)}` }, riskLabel(rule.risk_level))),
    h("td", { class: "num" }, fmt(rule.failures), h("span", { class: "muted" }, ` / ${fmt(rule.successes)}`)),
    h("td", {}, linkButton(rule.knowledge_base_url, "Rule page", "kb-link")),
  );
  return open && canOpen ? [row, resourceRows(rule)] : [row];
}

function rules(q: QuestionReport): HTMLElement | null {
  if (q.status === "not-covered") return null;
  return h(
    "section",
    { class: "evidence", testid: "rules" },
    h("h4", {}, "Rules"),
    q.rules.length
      ? h(
          "table",
          { class: "evidence-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", {}, ""),
              h("th", {}, "Rule"),
              h("th", {}, "Title"),
              h("th", {}, "Risk"),
              h("th", { class: "num", title: "failures / successes" }, "Fail / OK"),
              h("th", {}, ""),
            ),
          ),
          h("tbody", {}, ...q.rules.flatMap((rule) => ruleRows(q, rule))),
        )
      : h("p", { class: "muted" }, "No checks counted for this question."),
  );
}

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

function countsAndRulesToReview(q: QuestionReport): HTMLElement | null {
  if (q.status === "not-covered") return null;
  return h(
    "div",
    { class: "detail-meta" },
    riskTable(q),
    h(
      "div",
      {},
      h("h4", {}, "Rules to review (in the note)"),
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
  let shown: string | null = null;
  return mount(card, () => {
    const r = s.report.value;
    if (!r) return [];
    const q = r.questions.find((x) => x.question_id === s.selected.value);
    if (!q) return h("p", { class: "muted" }, "Select a question to see its evidence and compare its notes.");
    // Another question starts at its top; the same one (a rule expanded) stays where it was.
    if (shown !== q.question_id) queueMicrotask(() => card.scrollTo({ top: 0 }));
    shown = q.question_id;
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
            "No Conformity or Vision One rule informs this question. It needs a human answer; wa-sync leaves its notes alone.",
          )
        : null,
      q.error ? h("p", { class: "error" }, q.error) : null,
      bestPractices(q),
      rules(q),
      countsAndRulesToReview(q),
      notesColumns(q),
    ];
  });
}
