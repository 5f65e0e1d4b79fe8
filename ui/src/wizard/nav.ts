// The Back / Next row under each step.

import { h } from "../dom";
import type { StepId } from "../setup-model";
import { enterStep } from "./flow";
import { w } from "./state";

export interface NextStep {
  label: string;
  step: StepId;
  enabled: boolean;
}

export function nav(back: StepId | null, next: NextStep | null): HTMLElement {
  return h(
    "div",
    { class: "wizard-nav" },
    back ? h("button", { testid: "wizard-back", onclick: () => void enterStep(back) }, "Back") : h("span", {}),
    next
      ? h(
          "button",
          {
            class: "primary",
            testid: "wizard-next",
            disabled: !next.enabled || !!w.busy.value,
            onclick: () => void enterStep(next.step),
          },
          next.label,
        )
      : null,
  );
}
