// Shows <time class="localtime"> elements in the visitor's own time zone.
document.addEventListener("DOMContentLoaded", () => {
  const day = new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  });
  const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  for (const el of document.querySelectorAll("time.localtime")) {
    const start = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(start.getTime())) continue;
    let text = day.format(start);
    const endAttr = el.dataset.end;
    if (endAttr) text += " – " + clock.format(new Date(endAttr));
    el.textContent = text;
    el.title = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }
});
