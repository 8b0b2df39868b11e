// django-celery-beat's periodic task form: shows the chosen crontab in words under the field
// (the package does this with an inline script, which the Content-Security-Policy refuses).
(function () {
  "use strict";
  var script = document.currentScript;
  function wire() {
    var $ = window.django && window.django.jQuery;
    var data = document.getElementById("readable-crontabs");
    if (!$ || !data || !script) {
      return;
    }
    var readable = JSON.parse(data.textContent);
    var help = script.dataset.crontabHelp || "";
    var label = script.dataset.translationLabel || "";
    $(".field-crontab_translation").hide();
    $(".field-crontab").change(function () {
      var words = readable[$("#id_crontab").val()] || "";
      var box = $(".field-crontab .help");
      box.text(help);
      box.append(document.createElement("br"));
      box.append(document.createTextNode(label + ": " + words));
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
