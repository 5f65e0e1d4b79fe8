// The wa-sync app's UI: the header, then one screen at a time (start, preview, setup wizard,
// connection settings), each following the state in state.ts by itself.

import "./styles.css";
import { effect, untracked } from "@preact/signals-core";
import { api, toAppError } from "./api";
import { refreshSetup } from "./connection";
import { h, replace } from "./dom";
import { openSetup, startDemo } from "./navigation";
import { previewScreen } from "./preview/screen";
import { mountHeader } from "./screens/header";
import { settingsScreen } from "./screens/settings";
import { startScreen } from "./screens/start";
import * as s from "./state";
import type { Unmount } from "./view";
import { wizardScreen } from "./wizard/wizard";
import { workloadsScreen } from "./workloads/screen";

const app = document.getElementById("app") as HTMLElement;

const screens: Record<s.Screen, (host: HTMLElement) => Unmount> = {
  start: startScreen,
  preview: previewScreen,
  wizard: wizardScreen,
  settings: settingsScreen,
  workloads: workloadsScreen,
};

/** Shows the current screen; the one left stops following the state. */
function mountScreens(): void {
  effect(() => {
    const show = screens[s.screen.value];
    return untracked(() => show(app));
  });
}

async function main(): Promise<void> {
  try {
    s.info.value = await api.appInfo();
  } catch (e) {
    replace(app, h("p", { class: "error", testid: "fatal" }, toAppError(e).message));
    return;
  }
  mountHeader();
  await refreshSetup();
  if (s.info.value.start_demo) startDemo();
  else if (!s.setup.value?.settings.setup_done) openSetup();
  mountScreens();
}

void main();
