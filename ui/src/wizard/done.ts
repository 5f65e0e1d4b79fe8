// Step 5: what was set up, and on to the preview.

import { api } from "../api";
import { type Child, h } from "../dom";
import { keyStatusText } from "../setup-model";
import { enterStep, leave, run, settingsChanged } from "./flow";
import { w } from "./state";

function row(label: string, value: string, testid: string): HTMLElement {
  return h("tr", { testid }, h("th", {}, label), h("td", {}, value));
}

function roleText(v1: boolean): string {
  const role = w.status.value?.settings.role;
  if (!role?.role_arn) return "none: your own credentials write";
  const ext = v1 ? (role.external_id ? ` (external ID ${role.external_id})` : " (no external ID)") : "";
  const verified = role.verified_at ? ` (verified ${role.verified_at})` : " (not verified)";
  return `${role.role_arn}${ext}${verified}`;
}

function summary(): HTMLElement {
  const status = w.status.value;
  const s = status?.settings;
  const v1 = w.product.value === "vision-one";
  return h(
    "table",
    { class: "summary-table", testid: "setup-summary" },
    h(
      "tbody",
      {},
      v1
        ? row(
            "Vision One",
            `${s?.vision_one?.url ?? s?.vision_one?.region ?? "\u2013"} (Cloud Posture, beta endpoints)`,
            "summary-conformity",
          )
        : row("Conformity", s?.conformity?.url ?? s?.conformity?.region ?? "\u2013", "summary-conformity"),
      row(
        "API key",
        status ? (v1 ? keyStatusText(status.visionone_key, "vision-one") : keyStatusText(status.key)) : "",
        "summary-key",
      ),
      row(
        "Account",
        s?.account ? `${s.account.name} (${s.account.aws_account_id ?? "no AWS ID"})` : "\u2013",
        "summary-account",
      ),
      row(
        "Workload",
        s?.aws?.workload_name
          ? `${s.aws.workload_name} \u00b7 ${s.aws.region} \u00b7 profile ${s.aws.profile ?? "default chain"}`
          : "none: previews only",
        "summary-workload",
      ),
      row("Role", roleText(v1), "summary-role"),
    ),
  );
}

function finish(): void {
  void run("Saving\u2026", async () => {
    await api.finishSetup();
    settingsChanged();
    leave("done");
  });
}

export function doneStep(): Child[] {
  const status = w.status.value;
  return [
    h("h2", {}, "Ready"),
    summary(),
    h(
      "p",
      { class: "muted small" },
      `Settings (no secrets) are kept in ${status?.settings_path ?? "the app's config folder"}. Change them any time from the connection badge.`,
    ),
    h(
      "div",
      { class: "wizard-nav" },
      h("button", { testid: "wizard-back", onclick: () => void enterStep("role") }, "Back"),
      h(
        "button",
        {
          class: "primary",
          testid: "finish-setup",
          disabled: !status?.settings.account || !!w.busy.value,
          onclick: finish,
        },
        "Open the preview",
      ),
    ),
  ];
}
