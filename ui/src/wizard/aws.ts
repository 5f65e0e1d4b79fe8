// Step 3: the AWS profile and region (wa-sync uses the user's own AWS config), and the workload
// whose notes get the reports.

import { batch } from "@preact/signals-core";
import { api } from "../api";
import type { WorkloadView } from "../bindings/WorkloadView";
import { type Child, h } from "../dom";
import { AWS_REGIONS, productName, workloadFlags } from "../setup-model";
import { refreshStatus, run } from "./flow";
import { nav } from "./nav";
import { w } from "./state";

function profileSelect(): HTMLSelectElement {
  const profile = h(
    "select",
    { testid: "aws-profile", "aria-label": "AWS profile" },
    h("option", { value: "" }, "Default credential chain (environment, default profile, SSO, instance role)"),
    ...w.profiles.value.map((p) =>
      h(
        "option",
        { value: p.name },
        `${p.name}${p.kind === "sso" ? " (SSO)" : p.kind === "role" ? " (role)" : ""}${p.region ? ` \u00b7 ${p.region}` : ""}`,
      ),
    ),
  );
  profile.value = w.profile.value;
  profile.addEventListener("change", () => {
    const p = w.profiles.value.find((x) => x.name === profile.value);
    batch(() => {
      w.profile.value = profile.value;
      if (p?.region) w.awsRegion.value = p.region;
      w.workloads.value = null;
    });
  });
  return profile;
}

function regionInput(): HTMLInputElement {
  const region = h("input", {
    type: "text",
    testid: "aws-region",
    list: "aws-regions",
    value: w.awsRegion.peek(),
    "aria-label": "AWS region",
    spellcheck: "false",
  });
  region.addEventListener("change", () => {
    batch(() => {
      w.awsRegion.value = region.value.trim();
      w.workloads.value = null;
    });
  });
  return region;
}

async function listWorkloads(region: HTMLInputElement): Promise<void> {
  w.awsRegion.value = region.value.trim();
  const r = await run("Asking AWS for your workloads\u2026", () =>
    api.awsWorkloads(w.profile.value || null, w.awsRegion.value),
  );
  if (r) w.workloads.value = r;
}

function workloadRow(wl: WorkloadView, chosenArn: string | null): HTMLElement {
  const radio = h("input", {
    type: "radio",
    name: "workload",
    testid: `workload-${wl.name}`,
    checked: wl.arn === (w.picked.value ?? chosenArn),
    disabled: !wl.has_lens,
  });
  radio.addEventListener("change", () => {
    w.picked.value = wl.arn;
    void run("Saving\u2026", async () => {
      await api.chooseWorkload(w.profile.value || null, w.awsRegion.value, wl.arn);
      await refreshStatus();
    });
  });
  return h(
    "tr",
    { class: wl.arn === chosenArn ? "selected" : "", testid: `workload-row-${wl.name}` },
    h("td", {}, radio),
    h("td", {}, wl.name, h("div", { class: "mono small muted" }, wl.arn)),
    h("td", { class: "mono" }, wl.account_id),
    h("td", {}, ...workloadFlags(wl, w.product.value).map((f) => h("span", { class: `flag ${f.tone}` }, f.text))),
  );
}

function workloadList(chosenArn: string | null): HTMLElement | null {
  const list = w.workloads.value;
  if (!list) return null;
  const account = w.status.value?.settings.account;
  return h(
    "div",
    {},
    h(
      "p",
      { class: "muted small", testid: "aws-identity" },
      `Signed in as ${list.caller_arn} (account ${list.caller_account}).`,
    ),
    account?.aws_account_id
      ? h(
          "p",
          { class: "muted small" },
          `The ${productName(w.product.value)} account \u201c${account.name}\u201d is AWS account ${account.aws_account_id}; the role must be in the workload's account.`,
        )
      : null,
    list.workloads.length === 0
      ? h(
          "p",
          { class: "warning", testid: "no-workloads" },
          `No workloads in ${w.awsRegion.value} for these credentials. Create one in the Well-Architected Tool, or try another region or profile.`,
        )
      : h(
          "table",
          { class: "pick", testid: "workload-list" },
          h(
            "thead",
            {},
            h("tr", {}, h("th", {}, ""), h("th", {}, "Workload"), h("th", {}, "AWS account"), h("th", {}, "")),
          ),
          h("tbody", {}, ...list.workloads.map((wl) => workloadRow(wl, chosenArn))),
        ),
  );
}

export function awsStep(): Child[] {
  const region = regionInput();
  const chosenArn = w.status.value?.settings.aws?.workload_arn ?? null;
  const profile = w.profile.value;
  const sso = w.profiles.value.find((p) => p.name === profile)?.kind === "sso";
  return [
    h("h2", {}, "The AWS side"),
    h(
      "p",
      { class: "muted" },
      "wa-sync uses the credentials of your AWS config, never its own. Pick the profile that can see the workload, and the workload whose notes get the Check Summary Reports.",
    ),
    h("label", { class: "field" }, h("span", {}, "Profile"), profileSelect()),
    sso
      ? h(
          "p",
          { class: "muted small", testid: "sso-note" },
          `This profile signs in with SSO. If wa-sync says a login is needed, run: aws sso login --profile ${profile}`,
        )
      : null,
    h("label", { class: "field" }, h("span", {}, "Region"), region),
    h("datalist", { id: "aws-regions" }, ...AWS_REGIONS.map((r) => h("option", { value: r }))),
    h(
      "div",
      { class: "run-buttons" },
      h(
        "button",
        {
          class: "primary",
          testid: "list-workloads",
          disabled: !!w.busy.value,
          onclick: () => void listWorkloads(region),
        },
        "List workloads",
      ),
    ),
    workloadList(chosenArn),
    nav("account", { label: "Next: IAM role", step: "role", enabled: !!chosenArn }),
  ];
}
