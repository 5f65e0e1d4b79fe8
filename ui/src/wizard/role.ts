// Step 4: who writes the notes, the least-privilege role for it, and a verify that assumes the
// role and reads the workload as a sync would.

import { api } from "../api";
import type { VerifyView } from "../bindings/VerifyView";
import { type Child, h } from "../dom";
import { externalIdProblem, writersFor } from "../setup-model";
import { loadPlan, refreshStatus, run } from "./flow";
import { nav } from "./nav";
import { planView } from "./role-plan";
import { w } from "./state";

function writerChoice(): HTMLElement {
  const current = w.writer.value;
  return h(
    "div",
    { class: "writers", testid: "writer-choice" },
    ...writersFor(w.product.value).map((x) => {
      const radio = h("input", { type: "radio", name: "writer", testid: `writer-${x.id}`, checked: current === x.id });
      radio.addEventListener("change", () => {
        w.writer.value = x.id;
        w.verify.value = null;
        void loadPlan();
      });
      return h(
        "label",
        { class: `writer ${current === x.id ? "selected" : ""}` },
        radio,
        h("strong", {}, x.title),
        h("span", { class: "muted small" }, x.text),
      );
    }),
  );
}

function roleNameField(): HTMLElement {
  const name = h("input", {
    type: "text",
    testid: "role-name",
    value: w.roleName.value,
    "aria-label": "Role name",
    spellcheck: "false",
  });
  name.addEventListener("change", () => {
    w.roleName.value = name.value.trim();
    void loadPlan();
  });
  return h("label", { class: "field" }, h("span", {}, "Role name"), name);
}

function saveExternalId(): void {
  const problem = externalIdProblem(w.externalIdInput.value);
  if (problem) {
    w.error.value = { code: "bad_input", message: `Cannot use this external ID: ${problem}.` };
    return;
  }
  void run("Saving\u2026", async () => {
    await api.setExternalId(w.externalIdInput.value.trim() || null);
    w.verify.value = null;
    await refreshStatus();
  }).then(() => loadPlan());
}

/** Vision One's external ID is optional and the user's own (Conformity's is the organisation's). */
function externalIdField(): HTMLElement {
  const extId = h("input", {
    type: "text",
    testid: "role-external-id",
    value: w.externalIdInput.peek(),
    placeholder: "optional",
    "aria-label": "External ID (optional)",
    spellcheck: "false",
  });
  extId.addEventListener("input", () => {
    w.externalIdInput.value = extId.value;
  });
  return h(
    "div",
    { class: "field" },
    h("span", {}, "External ID"),
    h(
      "div",
      { class: "tag-add" },
      extId,
      h(
        "button",
        { testid: "save-external-id", disabled: !!w.busy.value, onclick: saveExternalId },
        "Use this external ID",
      ),
    ),
  );
}

function verifyResult(v: VerifyView): HTMLElement {
  return h(
    "div",
    { testid: "verify-result" },
    h(
      "p",
      { class: v.ok ? "ok" : "error", testid: "verify-summary" },
      v.ok ? "The role works: wa-sync can read and write this workload's notes." : "The role does not work yet:",
    ),
    h(
      "table",
      { class: "checks" },
      h(
        "tbody",
        {},
        ...v.checks.map((c) =>
          h(
            "tr",
            { testid: `verify-${c.check}`, class: c.ok ? "" : "failed" },
            h("td", {}, h("span", { class: `flag ${c.ok ? "ok" : "bad"}` }, c.ok ? "ok" : "missing")),
            h("td", { class: "mono small" }, c.check),
            h(
              "td",
              { class: "small" },
              c.detail,
              c.fix ? h("div", { class: "fix", testid: "verify-fix" }, c.fix) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

function verifySection(v1: boolean): HTMLElement {
  const role = w.status.value?.settings.role;
  const v = w.verify.value;
  const verify = () =>
    void run("Assuming the role and reading the workload\u2026", async () => {
      w.verify.value = await api.iamVerify();
      await refreshStatus();
    });
  return h(
    "div",
    { class: "verify" },
    h("h3", {}, "Verify"),
    h(
      "p",
      { class: "muted small" },
      role?.role_arn
        ? `Assumes ${role.role_arn} ${v1 && !role.external_id ? "without an external ID" : "with the external ID"} and reads the workload as a sync would.`
        : "Create the role (or enter its ARN) first.",
    ),
    h(
      "button",
      { class: "primary", testid: "iam-verify", disabled: !!w.busy.value || !role?.role_arn, onclick: verify },
      "Verify the role",
    ),
    v ? verifyResult(v) : null,
  );
}

export function roleStep(): Child[] {
  const plan = w.plan.value;
  const v1 = w.product.value === "vision-one";
  const hasRole = !!w.status.value?.settings.role?.role_arn;
  return [
    h("h2", {}, "A least-privilege IAM role"),
    v1
      ? h(
          "p",
          { class: "muted", testid: "role-intro" },
          "wa-sync on this computer writes the notes, with your AWS credentials or through a role you choose. The role may only read and write the notes of this one workload. " +
            "An external ID is optional with Vision One: set one if your policy asks for it; without one, wa-sync assumes the role without an external ID.",
        )
      : h(
          "p",
          { class: "muted", testid: "role-intro" },
          "Who writes the notes? The role may only read and write the notes of this one workload, and only with your external ID.",
        ),
    writerChoice(),
    v1 ? externalIdField() : null,
    roleNameField(),
    plan ? planView(plan) : null,
    verifySection(v1),
    nav("aws", { label: hasRole ? "Next" : "Skip: write with my own credentials", step: "done", enabled: true }),
  ];
}
