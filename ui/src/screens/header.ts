// The header's live parts: the lens line, the DEMO badge and the connection badge.

import { effect } from "@preact/signals-core";
import { openSettings } from "../navigation";
import { badgeView } from "../setup-model";
import * as s from "../state";
import { type Unmount, unmountAll } from "../view";
import { openWorkloads } from "../workloads/actions";

function find<E extends HTMLElement>(testid: string): E | null {
  return document.querySelector<E>(`[data-testid=${testid}]`);
}

export function mountHeader(): Unmount {
  const lens = find("lens-info");
  const demo = find("demo-badge");
  const badge = find<HTMLButtonElement>("connection-badge");
  const workloads = find<HTMLButtonElement>("nav-workloads");
  if (workloads) workloads.onclick = () => openWorkloads();
  if (badge) badge.onclick = () => openSettings();
  let badgeShown = false;
  return unmountAll([
    effect(() => {
      const i = s.info.value;
      if (lens && i) {
        lens.textContent = `lens ${i.lens} ${i.lens_version} \u00b7 mapping reviewed ${i.mapping_reviewed} \u00b7 v${i.version}`;
      }
    }),
    effect(() => {
      const demoShown = (s.screen.value === "preview" || s.screen.value === "workloads") && s.mode.value === "demo";
      if (demo) demo.hidden = !demoShown;
    }),
    effect(() => {
      if (workloads) workloads.hidden = s.screen.value === "wizard" || s.screen.value === "workloads";
    }),
    effect(() => {
      const checking = s.checking.value;
      // Shown from the first connection check on.
      badgeShown ||= checking;
      if (!badge || !badgeShown) return;
      const view = badgeView(s.connection.value, checking, s.setup.value?.settings.product);
      badge.textContent = view.text;
      badge.className = `conn-badge ${view.tone}`;
      badge.hidden = false;
    }),
  ]);
}
