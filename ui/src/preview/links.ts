// Links from the check data (a rule's knowledge-base page, a failing resource's console link) open
// in the system browser through tauri-plugin-opener, never inside the app's webview. Only https
// links are offered: the data comes from a third-party API, and the capability's opener scope
// allows https://* only, so a link the UI offered and the opener then refused would be a dead
// button.

import { openUrl } from "@tauri-apps/plugin-opener";
import { h } from "../dom";

/** The link as given when it is an absolute https URL with a host and no credentials, else null. */
export function httpsLink(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" || !parsed.hostname || parsed.username || parsed.password) return null;
  return url;
}

/** A button that opens `url` in the system browser, or nothing when `url` is not https. */
export function linkButton(url: string | null | undefined, label: string, testid: string): HTMLElement | null {
  const link = httpsLink(url);
  if (!link) return null;
  const button = h("button", { type: "button", class: "link", testid, "data-url": link, title: link }, label);
  button.addEventListener("click", (ev) => {
    ev.stopPropagation();
    openUrl(link).catch((e: unknown) => {
      button.title = `Could not open the browser: ${e instanceof Error ? e.message : String(e)}`;
      button.classList.add("failed");
    });
  });
  return button;
}
