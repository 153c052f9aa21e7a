// Site search, offline: the Pagefind index beside the pages, searched in this browser. No query leaves the
// page. Without JavaScript the header keeps its link to the A–Z; with it, that link becomes this search box.
// Builds its markup with DOM calls (no innerHTML, no inline style), so the Content-Security-Policy holds.
"use strict";

(function () {
  const box = document.querySelector("[data-search]");
  if (!box || !("noModule" in HTMLScriptElement.prototype)) return; // old browsers keep the A–Z link

  const indexUrl = new URL(box.dataset.index, document.baseURI);
  const kinds = (box.dataset.kinds || "").split("|").filter(Boolean);
  const audiences = (box.dataset.audiences || "").split("|").filter(Boolean);
  let pagefind = null;
  let latest = 0;

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  function choice(id, label, everything, values) {
    const select = el("select", { id: id });
    select.append(el("option", { value: "" }, everything));
    for (const value of values) select.append(el("option", { value: value }, value));
    return [el("label", { for: id }, label), select];
  }

  const input = el("input", { id: "site-search-input", type: "search", autocomplete: "off",
    spellcheck: "false", enterkeyhint: "search", "aria-describedby": "site-search-status" });
  const [audienceLabel, audience] = choice("site-search-audience", "For", "Everyone", audiences);
  const [kindLabel, kind] = choice("site-search-kind", "Kind", "Every kind", kinds);
  const status = el("p", { id: "site-search-status", class: "search-status", role: "status" });
  const list = el("ol", { class: "search-results" });
  // The filters and the A–Z link wait until there is something to search for, so on a phone the page's own
  // first lines (and its call-right-away box) stay near the top.
  const fallback = box.querySelector("a");
  const extras = el("div", { class: "search-extras", hidden: "" },
    el("div", { class: "search-filters" }, el("span", {}, audienceLabel, audience), el("span", {}, kindLabel, kind)),
    fallback ? el("p", { class: "search-az" }, el("a", { href: fallback.href }, "Find a medicine (A to Z)")) : "");
  const form = el("form", { role: "search", class: "search-form", "aria-label": "Site search" },
    el("label", { for: "site-search-input", class: "search-label" }, "Search this site"),
    el("div", { class: "search-row" }, input, el("button", { type: "submit" }, "Search")),
    extras, status, list);
  box.replaceChildren(form);

  async function load() {
    if (!pagefind) {
      pagefind = await import(new URL("pagefind.js", indexUrl).href);
      // Results come back as addresses under the folder the site is served from, wherever that is.
      await pagefind.options({ baseUrl: new URL("..", indexUrl).pathname });
    }
    return pagefind;
  }

  async function search() {
    const query = input.value.trim();
    const asked = ++latest;
    if (query) extras.hidden = false;
    if (!query) { status.textContent = ""; list.replaceChildren(); return; }
    let engine;
    try { engine = await load(); } catch (error) {
      status.textContent = "Search is not available here. Use the A to Z list of medicines.";
      return;
    }
    const filters = {};
    if (audience.value) filters.audience = audience.value;
    if (kind.value) filters.kind = kind.value;
    const found = await engine.debouncedSearch(query, { filters: filters }, 150);
    if (found === null || asked !== latest) return; // a newer query replaced this one
    const results = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
    if (asked !== latest) return;
    list.replaceChildren(...results.map(item));
    const count = found.results.length;
    status.textContent = count === 0 ? `No pages found for “${query}”.`
      : `${count} page${count === 1 ? "" : "s"} found for “${query}”` + (count > 10 ? ", the first 10 shown." : ".");
  }

  function item(data) {
    const about = [data.meta.kind, data.meta.audience].filter(Boolean).join(" · ");
    const excerpt = el("p", { class: "search-excerpt" });
    excerpt.textContent = plain(data.excerpt);
    return el("li", {}, el("a", { href: data.url }, data.meta.title || data.url),
      about ? el("span", { class: "search-about" }, about) : "", excerpt);
  }

  function plain(html) { // Pagefind marks matches with <mark>; show the words only, as text.
    return new DOMParser().parseFromString(html, "text/html").body.textContent || "";
  }

  input.addEventListener("input", search);
  audience.addEventListener("change", search);
  kind.addEventListener("change", search);
  form.addEventListener("submit", (event) => { event.preventDefault(); search(); });
})();
