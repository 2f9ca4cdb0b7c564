// wellness: progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Forms marked data-confirm ask before they submit.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
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
