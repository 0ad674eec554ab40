// Progressive enhancement for the proposal editor; every page works without it.
// - Rows (decision points, sections) get "Omhoog"/"Omlaag" buttons; moving a row
//   renumbers the rows and their order fields at once and announces the new place.
// - An error summary takes the focus, so that it is read out first.
// - A folded section's summary follows its heading as it is typed.
(function () {
  "use strict";

  function renumber(list) {
    var rows = list.querySelectorAll(":scope > [data-row]");
    rows.forEach(function (row, index) {
      // A folded section names its number twice: in its summary and its legend.
      row.querySelectorAll("[data-row-number]").forEach(function (number) {
        number.textContent = String(index + 1);
      });
      var order = row.querySelector('input[name$="-ORDER"]');
      if (order) order.value = String(index + 1);
    });
  }

  function moveButton(label, direction, row, list, announce) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small";
    button.textContent = label;
    button.addEventListener("click", function () {
      var sibling = direction < 0 ? row.previousElementSibling : row.nextElementSibling;
      if (!sibling || !sibling.hasAttribute("data-row")) return;
      if (direction < 0) list.insertBefore(row, sibling);
      else list.insertBefore(sibling, row);
      renumber(list);
      button.focus();
      var legend = row.querySelector(".row__legend");
      announce((legend ? legend.textContent.trim() : "") + " staat nu op deze plaats.");
    });
    return button;
  }

  function enhance(fieldset) {
    var list = fieldset.querySelector(".rows");
    if (!list) return;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    fieldset.appendChild(status);
    var announce = function (text) { status.textContent = text; };
    list.querySelectorAll(":scope > [data-row]").forEach(function (row) {
      var controls = document.createElement("div");
      controls.className = "row__move";
      controls.appendChild(moveButton("Omhoog", -1, row, list, announce));
      controls.appendChild(moveButton("Omlaag", 1, row, list, announce));
      row.querySelector(".row__fieldset").appendChild(controls);
    });
    renumber(list);
  }

  function followHeading(details) {
    var shown = details.querySelector("[data-row-heading]");
    var input = details.querySelector('input[name$="-heading"]');
    if (!shown || !input) return;
    input.addEventListener("input", function () {
      shown.textContent = input.value.trim() || shown.getAttribute("data-row-heading");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-reorderable]").forEach(enhance);
    document.querySelectorAll("details.row__details").forEach(followHeading);
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
  });
})();
