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
  var lang = document.documentElement.lang || "en";
  var numbers = new Intl.NumberFormat(lang);
  // The words come translated from the script tag's data attributes (base.html); English without.
  var words = (document.currentScript && document.currentScript.dataset) || {};
  var templates = {
    leftOne: words.leftOne || "You have {count} character left",
    leftOther: words.leftOther || "You have {count} characters left",
    overOne: words.overOne || "You have {count} character too many",
    overOther: words.overOther || "You have {count} characters too many",
  };
  // French uses the singular for 0 and 1 (« 0 caractère »), English for 1 only.
  var singular = /^fr\b/i.test(lang)
    ? function (n) { return n <= 1; }
    : function (n) { return n === 1; };

  function describe(left) {
    var n = Math.abs(left);
    var key = left >= 0 ? (singular(n) ? "leftOne" : "leftOther") : singular(n) ? "overOne" : "overOther";
    return templates[key].replace("{count}", numbers.format(n));
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
