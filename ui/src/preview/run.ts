// The run panel: Run preview, Push, Cancel, progress, the preview's error, and then the export
// control or the push result.

import { h } from "../dom";
import * as s from "../state";
import { mount, type Unmount } from "../view";
import { cancelRun, push, runPreview } from "./actions";
import { exportControl } from "./export";
import { pushResult } from "./push-result";

function runButtons(): HTMLElement {
  const running = s.running.value;
  const t = s.currentTotals.value;
  const target = s.pushTarget.value;
  const stale = s.previewStale.value;
  const canPush = !!s.info.value?.can_push && !!target && !!t && t.wouldChange > 0 && !running && !stale;
  return h(
    "div",
    { class: "run-buttons" },
    h(
      "button",
      { class: "primary", testid: "run-preview", disabled: running, onclick: () => void runPreview() },
      running && !s.pushing.value ? "Running\u2026" : "Run preview",
    ),
    h(
      "button",
      { class: "push", testid: "push", disabled: !canPush, onclick: () => void push() },
      t && target && !stale ? `Push ${t.wouldChange} to ${target}` : "Push",
    ),
    running ? h("button", { testid: "cancel-preview", onclick: cancelRun }, "Cancel") : null,
  );
}

function progressBar(): HTMLElement | null {
  if (!s.running.value) return null;
  const pushing = s.pushing.value;
  return pushing && pushing.total > 0
    ? h("progress", { testid: "progress", max: pushing.total, value: pushing.done })
    : h("progress", { testid: "progress" });
}

export function mountRun(card: HTMLElement): Unmount {
  return mount(card, () => {
    const running = s.running.value;
    const error = s.runError.value;
    const pushed = s.pushed.value;
    return [
      h("h3", {}, "Preview and push"),
      h(
        "p",
        { class: "muted small" },
        "Preview counts the checks and shows each question's new notes; nothing is written until you push.",
      ),
      runButtons(),
      progressBar(),
      h("p", { class: "progress-text", testid: "progress-text" }, s.progress.value),
      s.previewStale.value && !running
        ? h(
            "p",
            { class: "warning small", testid: "preview-stale" },
            "The tags changed since this preview: run the preview again to see what a push would write.",
          )
        : null,
      error ? h("p", { class: "error", testid: "preview-error" }, `${error.message} (${error.code})`) : null,
      s.report.value && !pushed && !running ? exportControl("preview") : null,
      pushed && !running ? pushResult(pushed) : null,
    ];
  });
}
