// The export control: a format and "Export report"; the Rust side opens the native save dialog
// and writes the report it rebuilds from its own preview or push result.

import type { ExportFormat } from "../bindings/ExportFormat";
import type { ReportOf } from "../bindings/ReportOf";
import { h } from "../dom";
import { EXPORT_FORMATS } from "../model";
import * as s from "../state";
import { exportReport } from "./actions";

/** "Export report" as [format]: the Rust side opens the native save dialog and writes the file. */
export function exportControl(of: ReportOf): HTMLElement {
  const exporting = s.exporting.value;
  const select = h(
    "select",
    { testid: `export-format-${of}`, "aria-label": "Report format", disabled: exporting },
    // The select shows the format itself; peek, so choosing one does not rebuild the panel.
    ...EXPORT_FORMATS.map((f) =>
      h("option", { value: f.format, selected: f.format === s.exportFormat.peek() }, f.label),
    ),
  );
  select.addEventListener("change", () => {
    s.exportFormat.value = select.value as ExportFormat;
  });
  const done = s.exported.value?.of === of ? s.exported.value : null;
  return h(
    "div",
    { class: "export", testid: `export-${of}` },
    h(
      "button",
      {
        testid: `export-report-${of}`,
        disabled: exporting || s.running.value,
        title:
          of === "result"
            ? "The push result: what was written, unchanged or failed"
            : "The preview: every pillar, question and rule",
        onclick: () => void exportReport(of),
      },
      exporting ? "Exporting\u2026" : "Export report",
    ),
    " as ",
    select,
    done ? h("p", { class: done.ok ? "ok small" : "error small", testid: `export-done-${of}` }, done.text) : null,
  );
}
