// The network page's interactive graph (Cytoscape.js): pan, zoom, drag, focus on a node's neighbours, edge
// tooltips with amount and sources, filters applied in place. Without JavaScript the server's SVG stays.
(function () {
  "use strict";

  var canvas = document.getElementById("network-canvas");
  if (!canvas || typeof window.cytoscape !== "function") return;
  var figure = document.getElementById("network-figure");
  var tools = figure.querySelector(".network-tools");
  var info = document.getElementById("network-info");
  var tooltip = document.getElementById("network-tooltip");
  var form = document.getElementById("network-filters");
  var labels = canvas.dataset;
  var cy = null;

  // Cytoscape adds a <style> element unless one with this id exists; the page's Content-Security-Policy would
  // refuse it, and app.css already holds its one rule.
  if (!document.getElementById("__________cytoscape_stylesheet")) {
    var marker = document.createElement("meta");
    marker.id = "__________cytoscape_stylesheet";
    document.head.appendChild(marker);
  }

  var style = [
    { selector: "node", style: {
      "label": "data(name)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
      "width": 22, "height": 22, "background-color": "#dbeafe", "border-width": 2, "border-color": "#1d4ed8",
      "text-outline-color": "#fff", "text-outline-width": 2, "min-zoomed-font-size": 7 } },
    { selector: "node[kind = 'corporate']", style: { "background-color": "#e0e7ff" } },
    { selector: "node[kind = 'fund'], node[kind = 'vc']", style: { "shape": "round-rectangle" } },
    { selector: "node[?focus]", style: { "width": 34, "height": 34, "border-width": 4, "font-weight": "bold" } },
    { selector: "edge", style: {
      "width": "data(width)", "line-color": "#7b8794", "target-arrow-color": "#7b8794",
      "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.8, "opacity": 0.85 } },
    { selector: "edge[family = 'commercial']", style: { "line-style": "dashed" } },
    { selector: "edge[family = 'member']", style: {
      "line-style": "dotted", "line-color": "#cbd2d9", "target-arrow-shape": "none" } },
    { selector: "edge[?cycle]", style: { "line-color": "#c2410c", "target-arrow-color": "#c2410c" } },
    { selector: ".faded", style: { "opacity": 0.12, "text-opacity": 0 } },
    { selector: "node.chosen", style: { "border-color": "#c2410c", "border-width": 5 } },
    { selector: "edge.hovered", style: { "line-color": "#111827", "target-arrow-color": "#111827", "z-index": 9 } },
  ];

  // Straight edges are drawn far faster than curved ones; hundreds of nodes need no curves to stay legible.
  var largeStyle = [{ selector: "edge", style: { "curve-style": "straight", "arrow-scale": 0.6 } }];

  function layoutFor(elements) {
    var count = elements.nodes.length;
    var focused = elements.nodes.some(function (n) { return n.data.focus; });
    if (!focused && count <= 200) return { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000 };
    // Rings by connectedness (the focus in the middle): linear time, so a thousand nodes lay out at once.
    return {
      name: "concentric", animate: false, minNodeSpacing: 12, avoidOverlap: count <= 400,
      concentric: function (n) { return n.data("focus") ? 1e6 : n.degree(); },
      levelWidth: function () { return Math.max(2, count / 12); },
    };
  }

  function edgeText(edge) {
    var d = edge.data(), parts = [d.label];
    if (d.amount) parts.push(d.amount);
    if (d.sources.length) parts.push(labels.labelSources + ": " + d.sources.join("; "));
    return parts;
  }

  function showInfo(nodes) {
    info.replaceChildren.apply(info, nodes);
    info.hidden = nodes.length === 0;
  }

  function link(text, href) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  // The viewport glides; data-settled says when it has arrived, so that the browser tests can wait for it.
  // Stopping a glide still under way jumps it to its end, which runs its completion: only then is the new
  // one unsettled, or data-settled would say "1" while the new glide moves.
  function glide(fit) {
    cy.stop(true, true);
    canvas.dataset.settled = "0";
    cy.animate({ fit: fit, duration: 250, complete: function () { canvas.dataset.settled = "1"; } });
  }

  function focusOn(node) {
    var near = node.closedNeighborhood();
    cy.elements().removeClass("chosen").addClass("faded");
    near.removeClass("faded");
    node.addClass("chosen");
    glide({ eles: near, padding: 40 });
    canvas.dataset.focused = node.data("slug");
    tools.querySelector("[data-zoom=reset]").hidden = false;
    var name = document.createElement("strong");
    name.textContent = node.data("name");
    showInfo([name, document.createTextNode(" · "), link(labels.labelOpen, node.data("url")),
      document.createTextNode(" · "), link(labels.labelCentre, node.data("network_url"))]);
  }

  function unfocus() {
    cy.elements().removeClass("faded chosen");
    delete canvas.dataset.focused;
    tools.querySelector("[data-zoom=reset]").hidden = true;
    showInfo([]);
  }

  function showTooltip(edge, event) {
    tooltip.replaceChildren.apply(tooltip, edgeText(edge).map(function (line) {
      var p = document.createElement("span");
      p.textContent = line;
      return p;
    }));
    var box = figure.getBoundingClientRect(), at = event.renderedPosition || { x: 0, y: 0 };
    var area = canvas.getBoundingClientRect();
    tooltip.style.left = Math.min(area.left - box.left + at.x + 12, box.width - 260) + "px";
    tooltip.style.top = area.top - box.top + at.y + 12 + "px";
    tooltip.hidden = false;
  }

  function render(data, started) {
    var elements = data.elements;
    if (!elements.nodes.length) {
      showInfo([document.createTextNode(labels.labelEmpty)]);
    }
    if (cy) {
      cy.elements().remove();
      cy.add(elements);
    } else {
      var large = elements.nodes.length > 300;
      cy = window.cytoscape({
        container: canvas, elements: elements, style: large ? style.concat(largeStyle) : style,
        wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 6, layout: { name: "preset" },
        // Large graphs: move a cached picture while panning or zooming, and redraw once it stops.
        textureOnViewport: large, hideEdgesOnViewport: large, pixelRatio: large ? 1 : "auto",
      });
      bind();
    }
    var added = performance.now();
    cy.layout(layoutFor(elements)).run();
    cy.fit(undefined, 30);
    canvas.dataset.layoutMs = String(Math.round(performance.now() - added));
    canvas.dataset.nodes = String(cy.nodes().length);
    canvas.dataset.edges = String(cy.edges().length);
    cy.one("render", function () {
      canvas.dataset.renderMs = String(Math.round(performance.now() - started));
      canvas.dataset.ready = "1";
    });
    cy.forceRender();
  }

  function bind() {
    cy.on("tap", "node", function (event) { focusOn(event.target); });
    cy.on("tap", function (event) { if (event.target === cy) unfocus(); });
    cy.on("mouseover", "edge", function (event) {
      event.target.addClass("hovered");
      showTooltip(event.target, event);
    });
    cy.on("mouseout", "edge", function (event) {
      event.target.removeClass("hovered");
      tooltip.hidden = true;
    });
    cy.on("tap", "edge", function (event) {
      showInfo(edgeText(event.target).map(function (line, i) {
        return document.createTextNode((i ? " · " : "") + line);
      }));
    });
    cy.on("zoom", function () { canvas.dataset.zoom = cy.zoom().toFixed(4); });
    // Cytoscape keeps where its canvas sits on the page; after the page has scrolled or shifted it may still
    // hold the old place, and hover and taps would land beside what is under the pointer.
    canvas.addEventListener("pointerenter", function () { cy.resize(); });
    cy.on("viewport", function () { tooltip.hidden = true; });
  }

  function load(query) {
    var started = performance.now();
    var url = canvas.dataset.src.split("?")[0] + (query ? "?" + query : "");
    delete canvas.dataset.ready;
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      })
      .then(function (data) {
        canvas.dataset.fetchMs = String(Math.round(performance.now() - started));
        render(data, started);
      })
      .catch(function (error) { showInfo([document.createTextNode(String(error.message))]); });
  }

  function zoomBy(factor) {
    var centre = { x: canvas.clientWidth / 2, y: canvas.clientHeight / 2 };
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: centre });
  }

  tools.addEventListener("click", function (event) {
    var action = event.target.closest("button") && event.target.closest("button").dataset.zoom;
    if (!cy || !action) return;
    if (action === "in") zoomBy(1.25);
    if (action === "out") zoomBy(0.8);
    if (action === "fit") glide({ padding: 30 });
    if (action === "reset") { unfocus(); glide({ padding: 30 }); }
  });

  // Kinds and year apply at once; the organization field (a new centre) still submits the form.
  form.addEventListener("change", function (event) {
    if (event.target.name !== "kind" && event.target.name !== "year") return;
    var query = new URLSearchParams(new FormData(form));
    if (!query.get("focus")) query.delete("focus");
    if (!query.get("year")) query.delete("year");
    if (!query.has("kind")) query.append("kind", "none");  // every kind unticked: show no edges, not all
    history.replaceState(null, "", "?" + query.toString());
    load(query.toString());
  });

  figure.classList.add("interactive");
  canvas.hidden = false;
  tools.hidden = false;
  load(canvas.dataset.src.split("?")[1] || "");
})();
