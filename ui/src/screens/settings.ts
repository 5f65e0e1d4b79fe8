// The connection screen behind the header badge: each part's live check, and the ways on.

import type { PartStatus } from "../bindings/PartStatus";
import { refreshConnection } from "../connection";
import { h } from "../dom";
import { openSetup, startConfigured, startDemo } from "../navigation";
import { productName } from "../setup-model";
import * as s from "../state";
import { mount, type Unmount } from "../view";

function partRow(label: string, p: PartStatus | undefined, testid: string): HTMLElement {
  const tone = !p ? "muted" : p.state === "ok" ? "ok" : p.state === "failed" ? "bad" : "muted";
  const word = !p ? "checking\u2026" : p.state === "ok" ? "works" : p.state === "failed" ? "fails" : "not set up";
  return h(
    "tr",
    { testid },
    h("th", {}, label),
    h("td", {}, h("span", { class: `flag ${tone}` }, word)),
    h("td", { class: "small" }, p?.detail ?? ""),
  );
}

function partsTable(): HTMLElement {
  const c = s.connection.value;
  return h(
    "table",
    { class: "summary-table", testid: "connection-parts" },
    h(
      "tbody",
      {},
      partRow(productName(s.setup.value?.settings.product), c?.conformity, "conn-conformity"),
      partRow("Workload", c?.workload, "conn-workload"),
      partRow("Role", c?.role, "conn-role"),
    ),
  );
}

function buttons(firstRun: boolean): HTMLElement {
  return h(
    "div",
    { class: "run-buttons" },
    firstRun
      ? h("button", { class: "primary", testid: "first-setup", onclick: () => openSetup() }, "Set up")
      : h(
          "button",
          { class: "primary", testid: "rerun-setup", onclick: () => openSetup("conformity") },
          "Run the setup again",
        ),
    firstRun ? null : h("button", { testid: "recheck", onclick: () => void refreshConnection() }, "Check again"),
    s.setup.value?.settings.account
      ? h("button", { testid: "settings-preview", onclick: () => startConfigured() }, "Preview")
      : null,
    h("button", { testid: "settings-demo", onclick: () => startDemo() }, "Demo"),
  );
}

export function settingsScreen(host: HTMLElement): Unmount {
  return mount(host, () => {
    // Before the first setup there is nothing to check: say what setting up gives instead of a
    // table of parts that are all "not set up".
    const firstRun = !s.setup.value?.settings.setup_done;
    return h(
      "section",
      { class: "settings", testid: "settings-screen" },
      h("h1", {}, "Connection"),
      firstRun
        ? h(
            "p",
            { testid: "first-run" },
            "wa-sync is not set up yet. The guided setup takes you from your API key to the account, the AWS " +
              "workload and a role that may write its notes, one step at a time; the demo needs none of it.",
          )
        : partsTable(),
      !firstRun && s.checking.value ? h("p", { class: "muted small" }, "Checking with live calls\u2026") : null,
      buttons(firstRun),
      h("p", { class: "muted small" }, `Settings file (no secrets): ${s.setup.value?.settings_path ?? ""}`),
    );
  });
}
