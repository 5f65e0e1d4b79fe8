// The preview screen: whose data it is, the tag filter and run panel, the question list beside
// the selected question, and the figures. Each card follows the state it shows by itself.

import { h } from "../dom";
import { productName, VISION_ONE_BETA } from "../setup-model";
import * as s from "../state";
import { mount, type Unmount, unmountAll } from "../view";
import { openWorkloads } from "../workloads/actions";
import { workloadLabel } from "../workloads/model";
import { mountDetail } from "./detail";
import { mountQuestions } from "./questions";
import { mountChart, mountLeftOut, mountSummary } from "./report";
import { mountRestore } from "./restore";
import { mountRun } from "./run";
import { mountTags } from "./tags";

function configuredBanner(): HTMLElement {
  const settings = s.setup.value?.settings;
  const aws = settings?.aws;
  const role = settings?.role;
  const through =
    role?.role_arn && role.writer !== "hosted" ? `, through role ${role.role_arn.split("/").pop() ?? ""}` : "";
  return h(
    "div",
    { class: "configured-banner", testid: "configured-banner" },
    h("strong", {}, settings?.account?.name ?? productName(settings?.product)),
    settings?.product === "vision-one" ? " (Vision One Cloud Posture)" : "",
    aws?.workload_name
      ? ` \u2192 workload \u201c${aws.workload_name}\u201d (${aws.region})${through}. Preview reads; only Push writes, after a backup.`
      : " \u2014 no workload set up: the preview shows the notes without comparing them.",
    settings?.product === "vision-one"
      ? h("div", { class: "muted small", testid: "visionone-beta-banner" }, VISION_ONE_BETA)
      : null,
  );
}

function targetBanner(): HTMLElement {
  const target = s.planTarget.value;
  const product = productName(target?.source ?? s.setup.value?.settings.product);
  return h(
    "div",
    { class: "configured-banner", testid: "target-banner" },
    h("strong", {}, target?.name ?? "plan target"),
    ` (${product}, ${target?.account_ids.join(", ") ?? ""}) \u2192 workload ${target ? workloadLabel(target.workload_arn) : ""}`,
    target?.role_arn ? `, through role ${target.role_arn.split("/").pop() ?? ""}` : "",
    ". Preview reads; only Push writes, after a backup. ",
    h("button", { class: "link", testid: "back-to-workloads", onclick: () => openWorkloads() }, "Back to Workloads"),
  );
}

function demoBanner(): HTMLElement {
  const i = s.info.value;
  return h(
    "div",
    { class: "demo-banner", testid: "demo-banner" },
    h("strong", {}, "DEMO DATA"),
    ` \u2014 simulated Vision One Cloud Posture checks of ${i?.demo_account_name ?? "the demo account"}, notes of the simulated ` +
      `\u201c${i?.demo_workload_name ?? "demo workload"}\u201d kept on this computer. Nothing is sent anywhere.`,
  );
}

export function previewScreen(host: HTMLElement): Unmount {
  const banner = h("div", { class: "slot" });
  const cards = {
    tags: h("div", { class: "card tags", testid: "tag-builder" }),
    run: h("div", { class: "card run", testid: "run-panel" }),
    summary: h("div", { class: "summary", testid: "summary" }),
    chart: h("div", { class: "card chart-card" }),
    leftOut: h("div", { class: "card", testid: "left-out" }),
    restore: h("div", { class: "card", testid: "restore-panel" }),
    questions: h("div", { class: "card questions", testid: "question-list" }),
    detail: h("div", { class: "card detail", testid: "question-detail" }),
  };
  // The list and the selected question side by side, each scrolling on its own, so the detail
  // is in view whichever question is picked; the figures follow below.
  host.replaceChildren(
    banner,
    h("div", { class: "controls" }, cards.tags, cards.run),
    cards.summary,
    h("div", { class: "master-detail" }, cards.questions, cards.detail),
    h("div", { class: "figures" }, cards.chart, h("div", { class: "stack" }, cards.leftOut, cards.restore)),
  );
  return unmountAll([
    mount(banner, () =>
      s.mode.value === "configured" ? configuredBanner() : s.mode.value === "target" ? targetBanner() : demoBanner(),
    ),
    mountTags(cards.tags),
    mountRun(cards.run),
    mountSummary(cards.summary),
    mountChart(cards.chart),
    mountLeftOut(cards.leftOut),
    mountRestore(cards.restore),
    mountQuestions(cards.questions),
    mountDetail(cards.detail),
  ]);
}
