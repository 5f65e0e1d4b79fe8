// Moving between the screens. The screen shown follows `state.screen` (main.ts); these set it up.

import { batch } from "@preact/signals-core";
import { refreshConnection, refreshSetup } from "./connection";
import { refreshBackups, refreshMatchCount, runPreview } from "./preview/actions";
import type { StepId } from "./setup-model";
import * as s from "./state";
import { openWizard } from "./wizard/wizard";

export function startDemo(): void {
  batch(() => {
    s.screen.value = "preview";
    s.mode.value = "demo";
    s.report.value = null;
    s.pushed.value = null;
  });
  void refreshBackups();
  void refreshMatchCount();
  void runPreview();
}

export function startConfigured(): void {
  batch(() => {
    s.screen.value = "preview";
    s.mode.value = "configured";
    s.report.value = null;
    s.pushed.value = null;
    s.chips.value = [];
    s.matchCount.value = null;
    s.chipError.value = null;
  });
  void refreshBackups();
  void refreshMatchCount();
  void runPreview();
}

export function openSetup(step?: StepId): void {
  openWizard(
    {
      onDone: () => {
        void refreshSetup().then(() => startConfigured());
      },
      onDemo: () => startDemo(),
      onChange: () => void refreshSetup(),
    },
    step,
  );
  s.screen.value = "wizard";
}

export function openSettings(): void {
  s.screen.value = "settings";
  void refreshConnection();
}
