// How a view follows the state: `mount` runs a render function inside an effect, so the element
// is rebuilt whenever a signal the function read changes, and never needs a hand-called render.

import { effect } from "@preact/signals-core";
import { type Child, replace } from "./dom";

/** What stops a mounted view from following the state (call it when the view leaves the page). */
export type Unmount = () => void;

/** Keeps `el`'s children equal to what `view` returns for the current state. */
export function mount(el: Element, view: () => Child | Child[]): Unmount {
  return effect(() => {
    const children = view();
    replace(el, ...(Array.isArray(children) ? children : [children]));
  });
}

/** Stops several mounted views at once. */
export function unmountAll(unmounts: Unmount[]): Unmount {
  return () => {
    for (const stop of unmounts) stop();
  };
}
