/* The rating form on a competency profile (competencies/templates/competencies/profile.html).
 *
 * The page lists, beside the level choice, what each level means for every competency that has
 * level descriptors, showing only the competency chosen when the page was made. This script
 * shows the descriptors of the competency chosen in the select instead, whenever it changes.
 * Without it, each profile row's "Rate …" link opens the form on that row's competency, with its
 * descriptors shown.
 */
(function () {
  "use strict";

  var select = document.getElementById("competency");
  var panel = document.getElementById("rating-levels");
  if (!select || !panel) {
    return;
  }
  var guides = panel.querySelectorAll("[data-competency]");

  function show() {
    for (var i = 0; i < guides.length; i += 1) {
      guides[i].hidden = guides[i].getAttribute("data-competency") !== select.value;
    }
  }

  select.addEventListener("change", show);
  show();
})();
