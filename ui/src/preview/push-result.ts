// What a push did: written, unchanged, left out, cancelled, edited meanwhile, failed; retry and
// restore from here, and export the result.

import type { PreviewReport } from "../bindings/PreviewReport";
import { h } from "../dom";
import { counted, type PushOutcome, pushOutcome, retryCount } from "../model";
import { askRestore, retryFailed } from "./actions";
import { exportControl } from "./export";

function row(label: string, n: number, testid?: string): HTMLElement {
  return h("tr", testid ? { testid } : {}, h("td", {}, label), h("td", { class: "num" }, n));
}

function outcomeTable(o: PushOutcome): HTMLElement {
  return h(
    "table",
    {},
    h(
      "tbody",
      {},
      row("Written", o.written.length, "push-written"),
      row("Unchanged", o.unchanged.length),
      row("Left out by you", o.leftOut.length),
      o.notWritten.length ? row("Not written (cancelled)", o.notWritten.length, "push-not-written") : null,
      o.changed.length ? row("Edited meanwhile: not written", o.changed.length, "push-changed") : null,
      row("Failed", o.failed.length, "push-failed"),
      ...o.failed.map((q) =>
        h("tr", { class: "error" }, h("td", {}, q.number), h("td", { class: "small" }, q.error ?? "")),
      ),
      ...o.changed.map((q) =>
        h(
          "tr",
          { class: "error" },
          h("td", {}, q.number),
          h("td", { class: "small" }, "edited by someone else after the preview read it: preview again"),
        ),
      ),
    ),
  );
}

export function pushResult(r: PreviewReport): HTMLElement {
  const o = pushOutcome(r);
  const retry = retryCount(o);
  const backup = r.backup;
  return h(
    "div",
    { class: "push-result", testid: "push-result" },
    h("h4", {}, "Push result"),
    o.notWritten.length
      ? h(
          "p",
          { class: "warning small", testid: "push-cancelled" },
          `Cancelled: ${counted(o.written.length, "question")} written before the cancel, ${o.notWritten.length} not written.`,
        )
      : null,
    outcomeTable(o),
    o.changed.length
      ? h(
          "p",
          { class: "warning small", testid: "push-preview-again" },
          `${counted(o.changed.length, "question")} changed in the workload since the preview: preview again to include the edits.`,
        )
      : null,
    retry
      ? h(
          "button",
          {
            testid: "retry-failed",
            title: "Previews again, backs up the notes, then writes only these questions",
            onclick: () => void retryFailed(),
          },
          o.notWritten.length ? `Write the ${retry} left` : `Retry the ${retry} failed`,
        )
      : null,
    backup
      ? h(
          "p",
          { class: "muted small", testid: "push-backup" },
          `Backup of the notes before: ${backup} `,
          h(
            "button",
            { class: "link", testid: "push-restore", onclick: () => void askRestore(backup) },
            "Restore\u2026",
          ),
        )
      : null,
    exportControl("result"),
  );
}
