// Restore from a backup: the workload's backups, what a restore would put back (confirmed first),
// and what it did.

import type { BackupInfo } from "../bindings/BackupInfo";
import type { RestorePlan } from "../bindings/RestorePlan";
import type { RestoreReport } from "../bindings/RestoreReport";
import { diffStats, lineDiff } from "../diff";
import { h } from "../dom";
import { counted } from "../model";
import * as s from "../state";
import { mount, type Unmount } from "../view";
import { askRestore, doRestore, resetDemo } from "./actions";

/** What a backup was taken before, as the screens name it ("a push", "a restore"). */
function backupReason(reason: string): string {
  return reason === "sync" ? "a push" : `a ${reason}`;
}

function backupTable(backups: readonly BackupInfo[]): HTMLElement {
  if (backups.length === 0) {
    return h(
      "p",
      { class: "muted", testid: "no-backups" },
      "No backups yet: every push backs up the notes it replaces.",
    );
  }
  return h(
    "table",
    { class: "backups", testid: "backup-list" },
    h(
      "thead",
      {},
      h("tr", {}, h("th", {}, "Taken"), h("th", {}, "Before"), h("th", { class: "num" }, "Questions"), h("th", {}, "")),
    ),
    h(
      "tbody",
      {},
      ...backups.map((b, i) =>
        h(
          "tr",
          { testid: `backup-${i}` },
          h("td", {}, b.created_at.replace("T", " ").replace("Z", " UTC")),
          h("td", {}, backupReason(b.reason)),
          h("td", { class: "num" }, b.changed_questions),
          h("td", {}, h("button", { testid: `restore-${i}`, onclick: () => void askRestore(b.path) }, "Restore\u2026")),
        ),
      ),
    ),
  );
}

function putBackList(plan: RestorePlan): HTMLElement {
  return h(
    "ul",
    { class: "put-back" },
    ...plan.put_back.map((q) => {
      const d = diffStats(lineDiff(q.notes_now, q.notes_restored));
      return h(
        "li",
        {},
        q.title,
        " ",
        h(
          "span",
          { class: "muted small" },
          `(+${d.added} \u2212${d.removed} lines${q.notes_restored === "" ? "; back to empty" : ""})`,
        ),
      );
    }),
  );
}

function confirmBox(plan: RestorePlan): HTMLElement {
  const n = plan.put_back.length;
  return h(
    "div",
    { class: "confirm", testid: "restore-confirm" },
    n === 0
      ? h("p", {}, "The workload's notes are already as in this backup: nothing to put back.")
      : h(
          "p",
          {},
          h("strong", {}, counted(n, "question")),
          ` ${n === 1 ? "gets its" : "get their"} notes from ${plan.created_at} back:`,
        ),
    putBackList(plan),
    plan.kept.length
      ? h(
          "p",
          { class: "small", testid: "restore-kept" },
          `Left as they are, since someone else's text is in them now: ${plan.kept.join(", ")}.`,
        )
      : null,
    h(
      "div",
      { class: "run-buttons" },
      h(
        "button",
        {
          class: "primary",
          testid: "restore-confirm-yes",
          disabled: n === 0,
          onclick: () => void doRestore(plan.path),
        },
        "Put these notes back",
      ),
      h("button", { testid: "restore-confirm-no", onclick: () => (s.restorePlan.value = null) }, "Cancel"),
    ),
  );
}

function resultText(result: RestoreReport): string {
  const written = result.questions.filter((q) => q.status === "written").length;
  const failed = result.questions.filter((q) => q.status === "failed").length;
  return (
    `Restored ${counted(written, "question")}` +
    (failed ? `; ${failed} failed` : "") +
    ". The notes it replaced were backed up too."
  );
}

export function mountRestore(card: HTMLElement): Unmount {
  return mount(card, () => {
    const plan = s.restorePlan.value;
    const result = s.restoreResult.value;
    const error = s.restoreError.value;
    return [
      h("h3", {}, "Restore from a backup"),
      backupTable(s.backups.value),
      plan ? confirmBox(plan) : null,
      result ? h("p", { class: "ok", testid: "restore-result" }, resultText(result)) : null,
      error ? h("p", { class: "error", testid: "restore-error" }, error.message) : null,
      s.mode.value === "demo"
        ? h(
            "p",
            { class: "small" },
            h(
              "button",
              { class: "link", testid: "reset-demo", onclick: () => void resetDemo() },
              "Reset the demo workload",
            ),
          )
        : null,
    ];
  });
}
