/* Search suggestions as you type (progressive enhancement).
   Without JavaScript the search form works as a plain GET form; with it,
   the <datalist> of the search box is filled from /api/v1/search/suggest,
   and a "Use my location" button fills the "near" fields. */
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  if (input && list && window.fetch) {
    var url = input.getAttribute("data-suggest-url");
    var timer = null;
    var last = "";
    var fill = function (data) {
      list.textContent = "";
      var values = (data.titles || []).concat((data.categories || []).map(function (c) { return c.label; }));
      values.forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        list.appendChild(option);
      });
    };
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (timer) { window.clearTimeout(timer); }
      if (text.length < 2 || text === last) { return; }
      timer = window.setTimeout(function () {
        last = text;
        fetch(url + "?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { titles: [] }; })
          .then(function (data) { if (input.value.trim() === text) { fill(data); } })
          .catch(function () { /* suggestions are optional */ });
      }, 150);
    });
  }
  var locate = document.getElementById("search-locate");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("search-lat").value = position.coords.latitude.toFixed(5);
        document.getElementById("search-lon").value = position.coords.longitude.toFixed(5);
        var km = document.getElementById("search-km");
        if (!km.value) { km.value = "2"; }
      });
    });
  }
})();
