// Refreshes the validation progress while it runs; reloads the page when the verdict is in.
document.addEventListener("DOMContentLoaded", () => {
  const tick = async () => {
    const box = document.getElementById("progress");
    const url = box && box.dataset.poll;
    if (!url) return;
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      if (response.ok) {
        const holder = document.createElement("div");
        holder.innerHTML = await response.text();
        const fresh = holder.querySelector("#progress");
        if (fresh && fresh.dataset.final === "true") { window.location.reload(); return; }
        if (fresh) box.replaceWith(fresh);
      }
    } catch (err) { /* a dropped request: try again on the next tick */ }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
});
