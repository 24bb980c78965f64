// Uploads a package with a progress bar, then opens the new version's page.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.upload-form")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const bar = form.querySelector("progress");
      const status = form.querySelector(".upload-status");
      const button = form.querySelector("button");
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      // The token also travels as a header: if the server refuses to read an oversized body,
      // the CSRF check still passes and the answer says why.
      xhr.setRequestHeader("X-CSRFToken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
      xhr.upload.addEventListener("progress", (e) => {
        if (!e.lengthComputable) return;
        bar.hidden = false;
        bar.value = Math.round((100 * e.loaded) / e.total);
        status.textContent = `Uploading… ${bar.value}%`;
      });
      xhr.addEventListener("load", () => {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = { error: `Upload failed (HTTP ${xhr.status}).` }; }
        if (xhr.status === 201) {
          status.textContent = body.receipt;
          window.location.assign(body.url);
        } else {
          status.textContent = body.error || `Upload failed (HTTP ${xhr.status}).`;
          status.classList.add("error");
          button.disabled = false;
        }
      });
      xhr.addEventListener("error", () => {
        status.textContent = "The upload was interrupted; nothing was stored. Try again.";
        status.classList.add("error");
        button.disabled = false;
      });
      button.disabled = true;
      status.classList.remove("error");
      xhr.send(new FormData(form));
    });
  }
});
