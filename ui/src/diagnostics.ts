// "Copy diagnostics": the app's version, OS, log file and last log lines (redacted on the Rust
// side) to the clipboard, for a bug report. Where the clipboard is not available, the text is
// shown selected so it can be copied by hand.

import { api } from "./api";
import type { Diagnostics } from "./bindings/Diagnostics";

const button = document.querySelector<HTMLButtonElement>("[data-testid=copy-diagnostics]");
const status = document.querySelector<HTMLElement>("[data-testid=diagnostics-status]");
const fallback = document.querySelector<HTMLTextAreaElement>("[data-testid=diagnostics-text]");

function say(text: string): void {
  if (!status) return;
  status.textContent = text;
  status.hidden = false;
}

async function copyDiagnostics(): Promise<void> {
  let report: Diagnostics;
  try {
    report = await api.diagnostics();
  } catch (e) {
    say(`Diagnostics unavailable: ${typeof e === "object" && e && "message" in e ? String(e.message) : String(e)}`);
    return;
  }
  try {
    await navigator.clipboard.writeText(report.text);
    say(`Copied (${report.log_lines.length} log lines; log: ${report.log_file ?? "unknown"})`);
  } catch {
    if (fallback) {
      fallback.value = report.text;
      fallback.hidden = false;
      fallback.select();
    }
    say("Copy the selected text below");
  }
}

if (button) {
  button.hidden = false;
  button.addEventListener("click", () => void copyDiagnostics());
}
