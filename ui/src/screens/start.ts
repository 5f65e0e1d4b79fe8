// The start screen: the demo, and either the setup or the configured account's preview.

import { h } from "../dom";
import { openSetup, startConfigured, startDemo } from "../navigation";
import * as s from "../state";
import { mount, type Unmount } from "../view";
import { openWorkloads } from "../workloads/actions";

export function startScreen(host: HTMLElement): Unmount {
  return mount(host, () =>
    h(
      "section",
      { class: "start", testid: "start-screen" },
      h("h1", {}, "See what your cloud posture checks say, question by question"),
      h(
        "p",
        {},
        "wa-sync counts Trend Vision One Cloud Posture (or Cloud One Conformity) checks per AWS Well-Architected question and writes a " +
          "Check Summary Report into each question's notes. Preview first: nothing is written until you push.",
      ),
      demoCard(),
      configuredCard(),
      workloadsCard(),
    ),
  );
}

function demoCard(): HTMLElement {
  return h(
    "div",
    { class: "start-card" },
    h("span", { class: "demo-tag" }, "DEMO"),
    h("h2", {}, "Try with demo data"),
    h(
      "p",
      {},
      `Runs the whole preview on built-in demo data (${s.info.value?.demo_account_name ?? "a sample account"}). ` +
        "No account, API key or network is used.",
    ),
    h("button", { class: "primary", testid: "try-demo", onclick: () => startDemo() }, "Try with demo data"),
  );
}

function configuredCard(): HTMLElement {
  const settings = s.setup.value?.settings;
  if (!settings?.account) {
    return h(
      "div",
      { class: "start-card" },
      h("h2", {}, "Connect your Vision One or Conformity account"),
      h("p", {}, "A few steps: API key, account, AWS workload and a least-privilege role, each explained."),
      h("button", { testid: "open-setup", onclick: () => openSetup() }, "Start the setup"),
    );
  }
  const { account, aws } = settings;
  return h(
    "div",
    { class: "start-card", testid: "start-configured-card" },
    h("h2", {}, `Preview ${account.name}`),
    h(
      "p",
      {},
      aws?.workload_name
        ? `Checks of ${account.name} against the notes of the workload \u201c${aws.workload_name}\u201d (${aws.region}).`
        : `Checks of ${account.name}; no workload is set up, so nothing can be pushed yet.`,
    ),
    h("button", { class: "primary", testid: "start-configured", onclick: () => startConfigured() }, "Run the preview"),
  );
}

function workloadsCard(): HTMLElement {
  return h(
    "div",
    { class: "start-card" },
    h("h2", {}, "Every workload at once"),
    h(
      "p",
      {},
      "A sync plan lists each workload with the accounts and tags that feed it. Preview or sync them all here, " +
        "or unattended with wa-sync sync --plan.",
    ),
    h(
      "div",
      { class: "run-buttons" },
      h("button", { testid: "open-workloads", onclick: () => openPlan("configured") }, "Open the Workloads screen"),
      h("button", { testid: "try-demo-workloads", onclick: () => openPlan("demo") }, "Demo workloads"),
    ),
  );
}

function openPlan(mode: s.Mode): void {
  s.mode.value = mode;
  openWorkloads();
}
