/* The workbench's few behaviours beyond htmx. Every one of them has a server-side way that
   works without JavaScript; this file only saves taps. No inline scripts anywhere (CSP). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("click", function (event) {
    var target = event.target;

    // A resolution row's "remove": hide it and tick its DELETE box (the box itself, shown
    // without JavaScript, does the same on submit).
    var remove = target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest(".formset-row");
      var box = row.querySelector("input[type=checkbox][name$='-DELETE']");
      if (box) { box.checked = true; }
      row.classList.add("removed");
      var status = document.getElementById("rows-status");
      if (status) { status.textContent = remove.getAttribute("data-removed-text") || ""; }
      return;
    }

    // An autocomplete suggestion: put its code into the field it belongs to.
    var pick = target.closest("[data-pick-code]");
    if (pick) {
      var input = document.getElementById(pick.getAttribute("data-input"));
      var code = pick.getAttribute("data-pick-code");
      var codes = input.value.split(/[\s,，、;；]+/).filter(function (c) { return c && c.length >= 9; });
      if (codes.indexOf(code) < 0) { codes.push(code); }
      input.value = codes.join(" ");
      var list = pick.closest(".suggestions");
      if (list) { list.remove(); }
      var search = document.getElementById(pick.getAttribute("data-search"));
      if (search) { search.value = ""; search.focus(); }
      return;
    }

    if (target.closest("[data-print]")) {
      window.print();
    }
  });

  // A reply template chosen: copy its text into the note, where it can still be edited.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-template-into]");
    if (!select) { return; }
    var option = select.options[select.selectedIndex];
    var text = option ? option.getAttribute("data-text") : "";
    var note = document.getElementById(select.getAttribute("data-template-into"));
    if (note && text) { note.value = text; }
  });
})();
