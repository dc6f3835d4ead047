/*
 * The group finder, enhanced. Without this file the finder works as a plain
 * form: type a place, choose filters, search.
 *
 * - "Near me" asks the browser for the position and POSTs it with the form,
 *   so the coordinates never appear in a URL, the history or a server log.
 * - Place suggestions come from the server, which also understands spellings
 *   without Norwegian letters ("Tromso" suggests "Tromsø").
 */
(function () {
  "use strict";
  var form = document.getElementById("finder-form");
  if (!form) {
    return;
  }
  var place = form.querySelector("[name=q]");
  function hidden(name) {
    var input = form.querySelector("[name=" + name + "]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    return input;
  }
  var lat = hidden("lat");
  var lon = hidden("lon");
  var nearMe = form.querySelector("[data-near-me]");
  var status = form.querySelector("[data-position-status]");
  var list = document.getElementById("place-suggestions");
  var suggestUrl = "/api/v1/places";

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  // A typed place replaces a position from an earlier "near me".
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.hasAttribute("data-near-me")) {
      return;
    }
    if (event.submitter && event.submitter.getAttribute("formmethod") === "post") {
      return;
    }
    if (place && place.value.trim() !== "") {
      // Not sent at all, so the URL stays clean and holds no position.
      lat.remove();
      lon.remove();
      form.method = "get";
    }
  });

  if (nearMe && "geolocation" in navigator) {
    nearMe.hidden = false;
    nearMe.addEventListener("click", function () {
      say(nearMe.getAttribute("data-wait") || "…");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(5);
          lon.value = position.coords.longitude.toFixed(5);
          place.value = "";
          form.method = "post";
          form.submit();
        },
        function () {
          say(nearMe.getAttribute("data-denied") || "");
          place.focus();
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
      );
    });
  }

  if (place && list && window.fetch) {
    var timer = null;
    var last = "";
    place.addEventListener("input", function () {
      var text = place.value.trim();
      if (text.length < 2 || text === last) {
        return;
      }
      last = text;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        fetch(suggestUrl + "?q=" + encodeURIComponent(text), {
          headers: { Accept: "application/json" },
          credentials: "omit"
        })
          .then(function (response) {
            return response.ok ? response.json() : [];
          })
          .then(function (places) {
            list.textContent = "";
            places.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () {
            list.textContent = "";
          });
      }, 150);
    });
  }
})();
