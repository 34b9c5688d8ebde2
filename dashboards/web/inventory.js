// members_from inventories (SPEC 6.6): while a group's file_sd files are bad, the daemon
// keeps its last good members and the status says so; this line in the banner tells the
// on-call engineer that the group's member list may be out of date, and why.
"use strict";

async function refreshInventory() {
  const box = document.getElementById("inventory-stale");
  try {
    const resp = await fetch("api/v1/status", { cache: "no-store" });
    if (!resp.ok) return;
    const status = await resp.json();
    const stale = (status.inventories || []).filter(i => i.stale);
    box.replaceChildren(...stale.map(i => {
      const line = document.createElement("div");
      line.dataset.group = i.group;
      line.textContent = `Inventory stale: ${i.group} keeps its last good ${i.members} members ` +
        `(${i.file_sd}): ${i.error}`;
      return line;
    }));
    box.hidden = stale.length === 0;
  } catch (e) {
    // app.js reports an unreachable daemon.
  }
}

refreshInventory();
setInterval(refreshInventory, 5000);
