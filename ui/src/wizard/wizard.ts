// The guided setup: which product (Conformity or Vision One), its connection, (Conformity's
// external ID and) the account, AWS profile/region/workload, the IAM role, done. Opens on the
// first run; re-runnable from the settings screen. The API key is typed here, sent once to Rust,
// and the field is cleared: the UI never gets it back.

import { type Child, h } from "../dom";
import { type StepId, stepsFor } from "../setup-model";
import { mount, type Unmount, unmountAll } from "../view";
import { accountStep } from "./account";
import { awsStep } from "./aws";
import { conformityStep } from "./connect";
import { doneStep } from "./done";
import { enterStep, leave, reachable } from "./flow";
import { roleStep } from "./role";
import { w } from "./state";

export { openWizard, type WizardHooks } from "./flow";

const STEP_VIEWS: Record<StepId, () => Child[]> = {
  conformity: conformityStep,
  account: accountStep,
  aws: awsStep,
  role: roleStep,
  done: doneStep,
};

function stepList(): HTMLElement[] {
  return stepsFor(w.product.value).map((s, i) =>
    h(
      "li",
      { class: s.id === w.step.value ? "current" : "", testid: `wizard-step-${s.id}` },
      h(
        "button",
        { class: "link", disabled: !!w.busy.value || !reachable(s.id), onclick: () => void enterStep(s.id) },
        `${i + 1}. ${s.label}`,
      ),
    ),
  );
}

function stepBody(): HTMLElement {
  const step = w.step.value;
  return h("div", { class: "card wizard-body", testid: `wizard-${step}` }, ...STEP_VIEWS[step]());
}

function busyAndError(): Child[] {
  const busy = w.busy.value;
  const error = w.error.value;
  return [
    busy ? h("p", { class: "progress-text", testid: "wizard-busy" }, busy) : null,
    error ? h("p", { class: "error", testid: "wizard-error" }, `${error.message} (${error.code})`) : null,
  ];
}

export function wizardScreen(host: HTMLElement): Unmount {
  const steps = h("ol", { class: "wizard-steps", testid: "wizard-steps" });
  const body = h("div", { class: "slot" });
  const status = h("div", { class: "slot" });
  host.replaceChildren(
    h(
      "section",
      { class: "wizard", testid: "wizard" },
      h(
        "div",
        { class: "wizard-head" },
        h("h1", {}, "Set up wa-sync"),
        h(
          "button",
          { class: "link", testid: "try-demo", onclick: () => leave("demo") },
          "Just looking? Try with demo data",
        ),
      ),
      steps,
      body,
      status,
    ),
  );
  return unmountAll([mount(steps, stepList), mount(body, stepBody), mount(status, busyAndError)]);
}
