// The setup's status and the live connection check behind the header badge.

import { api } from "./api";
import * as s from "./state";

/** Only the newest check may land, so a slow old answer cannot overwrite a newer one. */
let connectionSeq = 0;

export async function refreshSetup(): Promise<void> {
  try {
    s.setup.value = await api.setupStatus();
  } catch {
    // The badge says "not set up".
  }
  void refreshConnection();
}

export async function refreshConnection(): Promise<void> {
  const seq = ++connectionSeq;
  s.checking.value = true;
  let status: Awaited<ReturnType<typeof api.connectionStatus>> | null;
  try {
    status = await api.connectionStatus();
  } catch {
    status = null;
  }
  if (seq === connectionSeq) {
    s.connection.value = status;
    s.checking.value = false;
  }
}
