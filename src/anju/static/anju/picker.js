// Searchable pickers (core/pickers.py writes each option's data-pinyin "qsz qingshanzhen" and data-group).
//   <select data-picker="select">      a search box above the select; typing characters or pinyin (initials
//                                      or full) lists the matches as large buttons; a tap chooses one.
//   <select multiple data-picker="checklist">, a list of checkboxes marked data-picker="checklist"
//                                      become a searchable list of checkboxes grouped under headings.
// Progressive: without this script the plain select or checkbox list works as before.
(function () {
  "use strict";
  var MAX_MATCHES = 30;
  var lang = (document.documentElement.lang || "zh").slice(0, 2);
  var TEXT = lang === "en"
    ? {search: "Type characters or pinyin initials to search", none: "No match", all: "Tick all shown", clear: "Clear", chosen: "chosen"}
    : {search: "输入文字或拼音首字母筛选", none: "没有匹配项", all: "勾选全部显示项", clear: "清除", chosen: "已选"};

  function normalise(text) {
    return (text || "").replace(/\s+/g, "").toLowerCase();
  }

  function matches(query, label, pinyin) {
    if (!query) return true;
    if (normalise(label).indexOf(query) !== -1) return true;
    var keys = (pinyin || "").split(" ");
    for (var i = 0; i < keys.length; i++) if (keys[i].indexOf(query) !== -1) return true;
    return false;
  }

  function searchBox(labelledBy) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "picker-search";
    input.placeholder = TEXT.search;
    input.setAttribute("autocomplete", "off");
    if (labelledBy) input.setAttribute("aria-label", labelledBy);
    return input;
  }

  function labelOf(element) {
    var label = element.id && document.querySelector("label[for='" + element.id + "']");
    return label ? label.textContent.trim() : "";
  }

  // One select: a search box and a list of matching options as buttons.
  function setupSelect(select) {
    var box = document.createElement("div");
    box.className = "picker";
    var input = searchBox(labelOf(select));
    var list = document.createElement("ul");
    list.className = "picker-matches";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    select.parentNode.insertBefore(box, select);
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(select);

    function render() {
      var query = normalise(input.value);
      list.textContent = "";
      if (!query) { list.hidden = true; return; }
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value || shown >= MAX_MATCHES) return;
        if (!matches(query, option.textContent, option.getAttribute("data-pinyin"))) return;
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "picker-option";
        button.setAttribute("role", "option");
        button.setAttribute("data-value", option.value);
        button.textContent = option.textContent.trim();
        var group = option.getAttribute("data-group");
        if (group) {
          var small = document.createElement("small");
          small.textContent = group;
          button.appendChild(small);
        }
        item.appendChild(button);
        list.appendChild(item);
        shown++;
      });
      if (!shown) {
        var empty = document.createElement("li");
        empty.className = "picker-empty";
        empty.textContent = TEXT.none;
        list.appendChild(empty);
      }
      list.hidden = false;
    }

    input.addEventListener("input", render);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // Enter chooses the first match rather than sending the form
        var first = list.querySelector(".picker-option");
        event.preventDefault();
        if (first) first.click();
      } else if (event.key === "Escape") {
        input.value = "";
        render();
      }
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest(".picker-option");
      if (!button) return;
      select.value = button.getAttribute("data-value");
      select.dispatchEvent(new Event("change", {bubbles: true}));  // htmx and autosubmit listen to it
      input.value = "";
      render();
      select.focus();
    });
  }

  // Items of a checklist: {label, pinyin, group, checkbox} from a multi-select or a list of checkboxes.
  function checklistItems(source) {
    if (source.tagName === "SELECT") {
      return Array.prototype.map.call(source.options, function (option) {
        return {label: option.textContent.trim(), pinyin: option.getAttribute("data-pinyin"),
          group: option.getAttribute("data-group") || "", option: option};
      });
    }
    return Array.prototype.map.call(source.querySelectorAll("input[type=checkbox]"), function (box) {
      var label = box.closest("label");
      return {label: label ? label.textContent.trim() : box.value, pinyin: box.getAttribute("data-pinyin"),
        group: box.getAttribute("data-group") || "", checkbox: box};
    });
  }

  function setupChecklist(source) {
    var items = checklistItems(source);
    var box = document.createElement("div");
    box.className = "picker picker-checklist";
    var input = searchBox(labelOf(source));
    var tools = document.createElement("div");
    tools.className = "picker-tools";
    var count = document.createElement("span");
    count.className = "muted";
    var all = document.createElement("button");
    all.type = "button";
    all.className = "btn secondary small";
    all.textContent = TEXT.all;
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "btn secondary small";
    clear.textContent = TEXT.clear;
    tools.appendChild(all);
    tools.appendChild(clear);
    tools.appendChild(count);
    var list = document.createElement("div");
    list.className = "picker-groups";
    source.parentNode.insertBefore(box, source);
    box.appendChild(input);
    box.appendChild(tools);
    box.appendChild(list);

    var groups = {};
    items.forEach(function (item) {
      var group = groups[item.group];
      if (!group) {
        group = document.createElement("fieldset");
        group.className = "picker-group";
        if (item.group) {
          var legend = document.createElement("legend");
          legend.textContent = item.group;
          group.appendChild(legend);
        }
        groups[item.group] = group;
        list.appendChild(group);
      }
      if (item.checkbox) {
        // the page's own checkbox moves into its group: the form sends it as before
        item.row = item.checkbox.closest("label") || item.checkbox;
        item.row.classList.add("picker-row");
        group.appendChild(item.row);
      } else {
        var row = document.createElement("label");
        row.className = "picker-row";
        var checkbox = document.createElement("input");
        checkbox.type = "checkbox";
        checkbox.checked = item.option.selected;
        checkbox.addEventListener("change", function () { item.option.selected = checkbox.checked; update(); });
        row.appendChild(checkbox);
        row.appendChild(document.createTextNode(" " + item.label));
        group.appendChild(row);
        item.row = row;
        item.checkbox = checkbox;
      }
    });
    if (source.tagName === "SELECT") source.hidden = true;
    else source.classList.add("picker-emptied");

    function set(item, on) {
      item.checkbox.checked = on;
      if (item.option) item.option.selected = on;
    }
    function update() {
      var chosen = items.filter(function (item) { return item.checkbox.checked; }).length;
      count.textContent = TEXT.chosen + " " + chosen;
    }
    function filter() {
      var query = normalise(input.value);
      items.forEach(function (item) { item.row.hidden = !matches(query, item.label, item.pinyin); });
      Object.keys(groups).forEach(function (key) {
        groups[key].hidden = !groups[key].querySelector(".picker-row:not([hidden])");
      });
    }
    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") event.preventDefault(); });
    all.addEventListener("click", function () {
      items.forEach(function (item) { if (!item.row.hidden) set(item, true); });
      update();
    });
    clear.addEventListener("click", function () { items.forEach(function (item) { set(item, false); }); update(); });
    list.addEventListener("change", update);
    update();
  }

  function setup(root) {
    root.querySelectorAll("select[data-picker='select']:not([data-picker-ready])").forEach(function (select) {
      select.setAttribute("data-picker-ready", "");
      setupSelect(select);
    });
    root.querySelectorAll("select[data-picker='checklist']:not([data-picker-ready])").forEach(function (source) {
      source.setAttribute("data-picker-ready", "");
      setupChecklist(source);
    });
    // A list of checkboxes: Django puts the attributes on each box; their list is the element whose id
    // the boxes' ids extend (id_recipients → id_recipients_0, id_recipients_1 …).
    root.querySelectorAll("input[type=checkbox][data-picker='checklist']").forEach(function (box) {
      var source = document.getElementById(box.id.replace(/_\d+$/, ""));
      if (!source || source.hasAttribute("data-picker-ready")) return;
      source.setAttribute("data-picker-ready", "");
      setupChecklist(source);
    });
  }
  // <select data-preselects="NAME">: choosing an area ticks the checkboxes NAME of units in that area
  // (data-path starts with the area's path), as long as the user has not ticked or cleared one by hand.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name && target.type === "checkbox") target.form && target.form.setAttribute("data-ticked-" + target.name, "");
    var select = target.closest ? target.closest("select[data-preselects]") : null;
    if (!select || !select.form) return;
    var name = select.getAttribute("data-preselects");
    if (select.form.hasAttribute("data-ticked-" + name)) return;
    var chosen = select.options[select.selectedIndex];
    var path = chosen && chosen.getAttribute("data-path");
    if (!path) return;
    select.form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) {
      box.checked = (box.getAttribute("data-path") || "").indexOf(path) === 0;
    });
    var list = select.form.querySelector(".picker-groups");
    if (list) list.dispatchEvent(new Event("change", {bubbles: true}));  // the checklist recounts
  });
  function start() { setup(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:load", function (event) { setup(event.target); });
})();
