/* Character counts under text areas, for ECHO Hub forms (the case form, follow-ups,
 * recommendations, return comments).
 *
 * Each <textarea data-char-count maxlength="N"> gets a line under it saying how many characters
 * are left, updated as the person types. The field's aria-describedby names that line, so a
 * screen reader reads it with the field; a polite live region repeats it once typing pauses,
 * rather than on every key. A line break counts as one character, as the browser's maxlength
 * and the server count it. Nothing depends on this script: the server checks every limit.
 */
(function () {
  "use strict";

  var PAUSE_MS = 1000;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "en");

  function describe(left) {
    if (left >= 0) {
      return "You have " + numbers.format(left) + (left === 1 ? " character" : " characters") + " left";
    }
    return "You have " + numbers.format(-left) + (left === -1 ? " character" : " characters") + " too many";
  }

  function attach(field) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (field.hasAttribute("data-char-count-ready") || !(limit > 0) || !field.id) {
      return;
    }
    field.setAttribute("data-char-count-ready", "");

    var count = document.createElement("div");
    count.id = field.id + "_count";
    count.className = "form-text char-count";
    var live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", count);
    count.insertAdjacentElement("afterend", live);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + count.id);

    var timer = null;
    function update(announce) {
      var left = limit - field.value.replace(/\r\n/g, "\n").length;
      count.textContent = describe(left);
      count.classList.toggle("is-over", left < 0);
      if (announce) {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          live.textContent = count.textContent;
        }, PAUSE_MS);
      }
    }
    field.addEventListener("input", function () {
      update(true);
    });
    update(false);
  }

  function attachAll(root) {
    var fields = root.querySelectorAll("textarea[data-char-count][maxlength]");
    Array.prototype.forEach.call(fields, attach);
  }

  attachAll(document);
  // Forms that htmx swaps in later get their counts too.
  document.addEventListener("htmx:load", function (event) {
    attachAll(event.target);
  });
})();
