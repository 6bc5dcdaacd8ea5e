// Quorum works without JavaScript; this file only improves a few things.
(function () {
  "use strict";
  // Move focus to the error summary so screen-reader users hear what went wrong.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  var list = document.getElementById("ballot-list");
  if (list) { rankable(list); }

  // rankable turns the numbered boxes of a ballot paper into a list the
  // voter ranks by clicking, by keyboard (buttons to add, move and remove)
  // or by dragging. The boxes stay in the form and are kept in step, so
  // what is submitted is exactly what the paper without script submits.
  function rankable(list) {
    var rows = Array.prototype.slice.call(list.querySelectorAll(".ballot-row"));
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(live, list.nextSibling);
    list.classList.add("enhanced");
    // The page gives the words in its own language; {name} and {n} are
    // filled in here.
    function words(key, fallback, nm, n) {
      var text = list.getAttribute("data-say-" + key) || fallback;
      return text.split("{name}").join(nm || "").split("{n}").join(n === undefined ? "" : String(n));
    }

    function input(row) { return row.querySelector("input.rank"); }
    function name(row) { return row.querySelector(".ballot-name").textContent; }
    function rank(row) { var n = parseInt(input(row).value, 10); return isNaN(n) ? 0 : n; }
    function ranked() {
      return rows.filter(function (r) { return rank(r) > 0; }).sort(function (a, b) { return rank(a) - rank(b); });
    }
    function renumber(order) {
      rows.forEach(function (r) { input(r).value = ""; });
      order.forEach(function (r, i) { input(r).value = String(i + 1); });
      draw();
    }
    function draw() {
      var order = ranked();
      var rest = rows.filter(function (r) { return rank(r) === 0; });
      order.concat(rest).forEach(function (r) { list.appendChild(r); });
      rows.forEach(function (r) {
        var n = rank(r);
        r.querySelector(".rank-add").hidden = n > 0;
        r.querySelector(".rank-remove").hidden = n === 0;
        r.querySelector(".rank-up").disabled = n <= 1;
        r.querySelector(".rank-down").disabled = n === 0 || n === order.length;
        r.querySelector(".rank-up").hidden = n === 0;
        r.querySelector(".rank-down").hidden = n === 0;
        r.querySelector(".rank-shown").textContent = n > 0 ? String(n) : "–";
        r.classList.toggle("is-ranked", n > 0);
      });
    }
    function say(text) { live.textContent = text; }
    function button(label, cls, action, row) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary " + cls;
      b.textContent = label;
      b.setAttribute("aria-label", label + ": " + name(row));
      b.addEventListener("click", function () { action(row); b.blur(); focusRow(row, cls); });
      return b;
    }
    function focusRow(row, cls) {
      var target = row.querySelector("." + cls + ":not([hidden]):not([disabled])") ||
        row.querySelector("button:not([hidden]):not([disabled])");
      if (target) { target.focus(); }
    }
    function add(row) { var o = ranked(); o.push(row); renumber(o); say(words("chosen", "{name} is your choice {n}.", name(row), rank(row))); }
    function remove(row) { var o = ranked().filter(function (r) { return r !== row; }); renumber(o); say(words("removed", "{name} is no longer ranked.", name(row))); }
    function move(row, by) {
      var o = ranked(); var i = o.indexOf(row); var j = i + by;
      if (i < 0 || j < 0 || j >= o.length) { return; }
      o.splice(i, 1); o.splice(j, 0, row); renumber(o);
      say(words("moved", "{name} is now your choice {n}.", name(row), rank(row)));
    }
    rows.forEach(function (row) {
      var box = input(row);
      box.type = "hidden";
      row.querySelector(".ballot-name").removeAttribute("for");
      var shown = document.createElement("span");
      shown.className = "rank-shown";
      shown.setAttribute("aria-hidden", "true");
      row.insertBefore(shown, row.firstChild);
      var tools = document.createElement("span");
      tools.className = "rank-tools";
      tools.appendChild(button(words("rank", "Rank"), "rank-add", add, row));
      tools.appendChild(button(words("up", "Move up"), "rank-up", function (r) { move(r, -1); }, row));
      tools.appendChild(button(words("down", "Move down"), "rank-down", function (r) { move(r, 1); }, row));
      tools.appendChild(button(words("remove", "Remove"), "rank-remove", remove, row));
      row.appendChild(tools);
      row.draggable = true;
      row.addEventListener("dragstart", function (e) { e.dataTransfer.setData("text/plain", row.getAttribute("data-candidate")); row.classList.add("dragging"); });
      row.addEventListener("dragend", function () { row.classList.remove("dragging"); });
      row.addEventListener("dragover", function (e) { e.preventDefault(); });
      row.addEventListener("drop", function (e) {
        e.preventDefault();
        var id = e.dataTransfer.getData("text/plain");
        var dragged = rows.filter(function (r) { return r.getAttribute("data-candidate") === id; })[0];
        if (!dragged || dragged === row) { return; }
        var o = ranked().filter(function (r) { return r !== dragged; });
        var at = rank(row) > 0 ? o.indexOf(row) : o.length;
        o.splice(at, 0, dragged);
        renumber(o);
        say(words("moved", "{name} is now your choice {n}.", name(dragged), rank(dragged)));
      });
    });
    var help = document.getElementById("rank-help");
    if (help) { help.textContent = words("help", "Choose Rank next to your first choice, then your next, and so on; move or remove them as you like, or drag the names into order."); }
    draw();
  }
})();
