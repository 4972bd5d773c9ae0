/*
 * Region picker: type a few letters of a village, choose it from a list, its code goes in a hidden input.
 *
 * How a form uses it (the Jinja macro region_picker(field_code, field_text, level, within, source) in
 * templates/_macros.html writes exactly this):
 *
 *   <label for="desa_name">Desa/kelurahan</label>
 *   <input type="text" id="desa_name" name="desa_name" data-region-picker data-level="desa"
 *          data-within="32.01" data-target="desa_code" data-source="/api/regions/search"
 *          aria-describedby="desa_name-hint">
 *   <input type="hidden" id="desa_code" name="desa_code">
 *   <script src="/static/region-picker.js" defer></script>
 *
 * data-target is the id of the hidden input that receives the code; data-source defaults to
 * /api/regions/search, which answers {"results": [{"code", "name", "level", "path", "score"}]}.
 * Optional data-msg-list, data-msg-count ("{count}"), data-msg-none, data-msg-error, data-msg-chosen ("{place}")
 * give the announcements in the page's language.
 *
 * Without JavaScript (or when the request fails) nothing breaks: the typed name is submitted and the
 * server resolves it (resolver.resolve_region_field). Typing again clears the hidden code, so a stale
 * code is never sent with a changed name.
 *
 * Keyboard: ArrowDown/ArrowUp move through the list, Enter chooses, Escape closes (a second Escape
 * clears the text). The ARIA 1.2 combobox pattern: the input has role="combobox", aria-expanded,
 * aria-controls and aria-activedescendant; the list is role="listbox" with role="option" items.
 */
(function () {
  "use strict";
  if (window.regionPickerLoaded) return;
  window.regionPickerLoaded = true;

  var DELAY_MS = 250;
  var MIN_CHARS = 2;
  var counter = 0;

  function message(input, name, fallback, values) {
    var text = input.getAttribute("data-msg-" + name) || fallback;
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  function setup(input) {
    var hidden = document.getElementById(input.getAttribute("data-target"));
    if (!hidden || input.getAttribute("role") === "combobox") return;
    var id = input.id || "region-picker-" + (++counter);
    input.id = id;
    var list = document.createElement("ul");
    list.id = id + "-listbox";
    list.className = "region-picker__list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "region-picker__status visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    // Its own name, not the field's label: one label naming two controls confuses screen readers.
    list.setAttribute("aria-label", message(input, "list", "Suggestions"));
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var results = [];
    var active = -1;
    var timer = null;
    var controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll('[role="option"]');
      if (!options.length) return;
      active = (index + options.length) % options.length;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var result = results[index];
      if (!result) return;
      input.value = result.path;
      hidden.value = result.code;
      close();
      status.textContent = message(input, "chosen", "{place}", { place: result.path });
    }

    function render(items) {
      results = items;
      list.textContent = "";
      items.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = id + "-option-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "region-picker__option";
        var name = document.createElement("span");
        name.className = "region-picker__name";
        name.textContent = item.name;
        var path = document.createElement("span");
        path.className = "region-picker__path";
        path.textContent = item.path.slice(item.name.length).replace(/^,\s*/, "");
        option.appendChild(name);
        option.appendChild(path);
        // mousedown, not click: it comes before the input's blur closes the list.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(option);
      });
      active = -1;
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = message(input, "count", "{count}", { count: String(items.length) });
      } else {
        close();
        status.textContent = message(input, "none", "");
      }
    }

    function fetchResults() {
      var query = input.value.trim();
      if (query.length < MIN_CHARS) {
        render([]);
        status.textContent = "";
        return;
      }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var params = new URLSearchParams({ q: query, limit: "8" });
      if (input.getAttribute("data-level")) params.set("level", input.getAttribute("data-level"));
      if (input.getAttribute("data-within")) params.set("within", input.getAttribute("data-within"));
      var source = input.getAttribute("data-source") || "/api/regions/search";
      fetch(source + "?" + params.toString(), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (input.value.trim() === query) render(data.results || []);
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") return;
          close();
          status.textContent = message(input, "error", "");
        });
    }

    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(fetchResults, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) highlight(active + 1);
        else if (results.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          highlight(0);
        } else fetchResults();
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // choose, do not submit the form yet
        choose(active);
      } else if (event.key === "Escape") {
        if (open) close();
        else {
          input.value = "";
          hidden.value = "";
        }
      }
    });

    input.addEventListener("blur", function () {
      close();
    });
  }

  function init() {
    var inputs = document.querySelectorAll("input[data-region-picker]");
    for (var i = 0; i < inputs.length; i++) setup(inputs[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
