// Step 4's plan: the role's two policies, and the two ways to make the role: create it from here
// (confirming before taking over one wa-sync did not make), or save the files and paste its ARN.

import { batch } from "@preact/signals-core";
import { api } from "../api";
import type { IamAdoption } from "../bindings/IamAdoption";
import type { IamPlan } from "../bindings/IamPlan";
import { h } from "../dom";
import { refreshStatus, run } from "./flow";
import { w } from "./state";

/** Creates or updates the role; without `adopt`, a role or policy wa-sync did not make is only shown. */
async function createRole(adopt: boolean): Promise<void> {
  await run(adopt ? "Taking over the role\u2026" : "Creating the role\u2026", async () => {
    const c = await api.iamCreate(w.writer.value, w.roleName.value, adopt);
    batch(() => {
      w.adoption.value = c.adoption;
      w.created.value = c.adoption ? null : c;
      if (!c.adoption) w.roleArnInput.value = c.role_arn;
    });
    if (!c.adoption) await refreshStatus();
  });
}

/** The confirmation before taking over a role or policy wa-sync did not make: its trust policy now, and after. */
function adoptionBox(a: IamAdoption): HTMLElement {
  const one = a.foreign.length === 1;
  return h(
    "div",
    { class: "warning-box", testid: "iam-adopt" },
    h(
      "p",
      { testid: "adopt-what" },
      `${a.foreign.join(" and ")} already ${one ? "exists" : "exist"} and ${one ? "was" : "were"} not made by wa-sync. ` +
        "Nothing was changed. Taking over replaces the role's trust policy and attaches wa-sync's policy; anyone who relies on the current trust loses it.",
    ),
    h(
      "div",
      { class: "policies" },
      h(
        "div",
        {},
        h("h4", {}, "Trust policy now"),
        h(
          "pre",
          { class: "policy", testid: "adopt-current-trust" },
          a.current_trust_policy ?? "(the role is wa-sync's or absent; only the policy is taken over)",
        ),
      ),
      h(
        "div",
        {},
        h("h4", {}, "Trust policy after"),
        h("pre", { class: "policy", testid: "adopt-new-trust" }, a.new_trust_policy),
      ),
    ),
    h(
      "div",
      { class: "run-buttons" },
      h(
        "button",
        { class: "primary", testid: "adopt-confirm", disabled: !!w.busy.value, onclick: () => void createRole(true) },
        "Take it over",
      ),
      h(
        "button",
        { testid: "adopt-cancel", disabled: !!w.busy.value, onclick: () => (w.adoption.value = null) },
        "Keep it as it is",
      ),
    ),
  );
}

function createAction(): HTMLElement {
  const adoption = w.adoption.value;
  const created = w.created.value;
  return h(
    "div",
    { class: "role-action" },
    h("h4", {}, "Create it from here"),
    h("p", { class: "muted small" }, "Uses your profile's IAM rights; running it again updates the role and policy."),
    h(
      "button",
      { class: "primary", testid: "iam-create", disabled: !!w.busy.value, onclick: () => void createRole(false) },
      "Create or update the role",
    ),
    adoption ? adoptionBox(adoption) : null,
    created ? h("p", { class: "ok small", testid: "iam-created" }, created.summary) : null,
  );
}

function exportFiles(): void {
  void run("Saving the files\u2026", async () => {
    const exported = await api.iamExport(w.writer.value, w.roleName.value);
    if (exported) w.exported.value = exported;
    await refreshStatus();
  });
}

function useRoleArn(): void {
  void run("Saving\u2026", async () => {
    await api.setRoleArn(w.writer.value, w.roleArnInput.value);
    await refreshStatus();
  });
}

function filesAction(p: IamPlan): HTMLElement {
  const arn = h("input", {
    type: "text",
    testid: "role-arn",
    value: w.roleArnInput.peek(),
    placeholder: p.role_arn ?? "arn:aws:iam::123456789012:role/WaSyncWellArchitectedNotes",
    "aria-label": "Role ARN",
    spellcheck: "false",
  });
  arn.addEventListener("input", () => {
    w.roleArnInput.value = arn.value;
  });
  const exported = w.exported.value;
  return h(
    "div",
    { class: "role-action" },
    h("h4", {}, "Or save the files"),
    h(
      "p",
      { class: "muted small" },
      "The two policies and a script for the AWS CLI, for someone with IAM rights. You choose the folder.",
    ),
    h("button", { testid: "iam-export", disabled: !!w.busy.value, onclick: exportFiles }, "Save the files\u2026"),
    exported
      ? h("ul", { class: "small", testid: "iam-exported" }, ...exported.files.map((f) => h("li", { class: "mono" }, f)))
      : null,
    h("p", { class: "muted small" }, "Then paste the ARN the script prints:"),
    arn,
    h("button", { testid: "set-role-arn", disabled: !!w.busy.value, onclick: useRoleArn }, "Use this role"),
  );
}

export function planView(p: IamPlan): HTMLElement {
  return h(
    "div",
    { testid: "iam-plan" },
    ...p.warnings.map((x) => h("p", { class: "warning", testid: "iam-warning" }, x)),
    h(
      "p",
      { class: "small" },
      "Role: ",
      h("code", { testid: "plan-role-arn" }, p.role_arn),
      " \u00b7 external ID ",
      p.external_id
        ? h("code", { testid: "plan-external-id" }, p.external_id)
        : h("span", { testid: "plan-external-id" }, "none"),
    ),
    h(
      "div",
      { class: "policies" },
      h(
        "div",
        {},
        h("h4", {}, `Permissions policy (${p.policy_name})`),
        h("pre", { class: "policy", testid: "permissions-policy" }, p.permissions_policy),
      ),
      h("div", {}, h("h4", {}, "Trust policy"), h("pre", { class: "policy", testid: "trust-policy" }, p.trust_policy)),
    ),
    h("div", { class: "role-actions" }, createAction(), filesAction(p)),
  );
}
