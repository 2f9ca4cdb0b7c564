// wellness: progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Forms, or the button that sends one, marked data-confirm ask before they submit.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Buttons marked data-copy copy the named input's value.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.querySelector(button.getAttribute("data-copy"));
      if (!input) return;
      input.select();
      var done = function () { button.textContent = "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });

  // On the person form, show the resident and faculty sections only for those roles.
  var roles = document.querySelectorAll(".person-form input[name='roles']");
  function syncSections() {
    var chosen = {};
    roles.forEach(function (box) { chosen[box.value] = box.checked; });
    document.querySelectorAll("[data-role-section]").forEach(function (section) {
      section.hidden = !chosen[section.getAttribute("data-role-section")];
    });
  }
  roles.forEach(function (box) { box.addEventListener("change", syncSections); });
  if (roles.length) syncSections();
})();

// On the event form, hide the times for all-day events and the audience lists when it is for everyone.
(function () {
  "use strict";
  var form = document.querySelector(".event-form");
  if (!form) return;
  var allDay = form.querySelector("input[name='is_all_day']");
  var everyone = form.querySelector("input[name='is_for_everyone']");
  var guests = form.querySelector("input[name='allows_guests']");
  function sync() {
    form.querySelectorAll("[data-guests]").forEach(function (el) { el.hidden = !guests.checked; });
    form.querySelectorAll("[data-timed]").forEach(function (el) { el.hidden = allDay.checked; });
    form.querySelectorAll("[data-audience]").forEach(function (el) { el.hidden = everyone.checked; });
  }
  allDay.addEventListener("change", sync);
  guests.addEventListener("change", sync);
  everyone.addEventListener("change", sync);
  sync();
})();

// The check-in list filters as you type (the search form still works without this).
(function () {
  "use strict";
  var box = document.querySelector("[data-filter-list]");
  if (!box) return;
  var rows = document.querySelectorAll(box.getAttribute("data-filter-list"));
  box.addEventListener("input", function () {
    var q = box.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      row.hidden = q && row.getAttribute("data-search").indexOf(q) === -1;
      if (!row.hidden) shown += 1;
    });
    var empty = document.querySelector("[data-filter-empty]");
    if (empty) empty.hidden = shown > 0 || rows.length === 0;
  });
})();

// Print buttons.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
