/*
 * Capsule: keeps feed.xml readable as a page in browsers without native XSLT.
 *
 * Loaded two ways:
 * 1. From the XHTML <script> inside the feed's <channel> (in <capsule:browser>). A browser with native XSLT never runs it (it
 *    stops building the source tree once it sees the xml-stylesheet instruction and shows the transform
 *    output instead). A browser without XSLT shows the raw XML and runs it: this script then loads
 *    xslt-processor's browser bundle (xslt-processor.js, next to this file), runs feed.xsl on the feed
 *    and puts the resulting page in place of the XML.
 * 2. From the page feed.xsl produces. There it only restores entry HTML that an XSLT engine wrote as
 *    text because it ignores disable-output-escaping (xslt-processor, Firefox), and adds a copy button.
 *
 * Plain ES5-style browser script, no modules: it must run in an XML document. Failures are logged and
 * leave the raw feed visible; nothing is thrown.
 */
(function () {
  "use strict";

  var XHTML = "http://www.w3.org/1999/xhtml";
  var BUNDLE = "xslt-processor.js";
  var script = document.currentScript || findOwnScript();
  var scriptUrl = script && script.src ? script.src : "";
  var cloak = null;

  function findOwnScript() {
    var scripts = document.getElementsByTagNameNS(XHTML, "script");
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/feed-fallback\.js(\?|#|$)/.test(scripts[i].getAttribute("src") || "")) return scripts[i];
    }
    return null;
  }

  // The raw XML shows as one run of text; hide it while the page is being made, never for long.
  function hideRawXml() {
    cloak = document.createElementNS(XHTML, "style");
    cloak.textContent = ":root { visibility: hidden; }";
    document.documentElement.appendChild(cloak);
    setTimeout(showRawXml, 8000);
  }

  function showRawXml() {
    if (cloak && cloak.parentNode) cloak.parentNode.removeChild(cloak);
    cloak = null;
  }

  function fail(step, error) {
    showRawXml();
    console.error("Capsule feed: could not render the feed as a page (" + step + "); showing the raw XML.", error);
  }

  function whenParsed(callback) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", callback, { once: true });
    else callback();
  }

  /** Entry HTML that arrived as text ("<p>…") becomes markup again; containers with markup are left alone. */
  function restoreEntryHtml(root) {
    var containers = root.querySelectorAll("[data-capsule-html]");
    for (var i = 0; i < containers.length; i++) {
      var el = containers[i];
      if (el.children.length === 0 && el.textContent.indexOf("<") !== -1) {
        el.innerHTML = el.textContent;
        el.setAttribute("data-capsule-html", "restored");
      }
    }
  }

  /** Progressive enhancement of the feed address field: select on focus, and a copy button. */
  function enhanceAddressField(doc) {
    var input = doc.getElementById("feed-url");
    if (!input || input.getAttribute("data-enhanced")) return;
    input.setAttribute("data-enhanced", "1");
    input.addEventListener("focus", function () { input.select(); });
    if (!navigator.clipboard) return;
    var button = doc.createElementNS(XHTML, "button");
    button.setAttribute("type", "button");
    button.className = "copy";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      }, function () { input.focus(); });
    });
    input.parentNode.insertBefore(button, input.nextSibling);
  }

  function stylesheetHref() {
    for (var node = document.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 7 && node.target === "xml-stylesheet" && /type\s*=\s*["'](text|application)\/xsl/.test(node.data)) {
        var match = /href\s*=\s*["']([^"']+)["']/.exec(node.data);
        if (match) return new URL(match[1].replace(/&amp;/g, "&"), document.baseURI).href;
      }
    }
    return new URL("feed.xsl", scriptUrl || document.baseURI).href;
  }

  function loadBundle() {
    if (window.XsltProcessor) return Promise.resolve(window.XsltProcessor);
    return new Promise(function (resolve, reject) {
      var el = document.createElementNS(XHTML, "script");
      el.setAttribute("src", new URL(BUNDLE, scriptUrl || document.baseURI).href);
      el.addEventListener("load", function () {
        if (window.XsltProcessor) resolve(window.XsltProcessor);
        else reject(new Error(BUNDLE + " loaded but defined no XsltProcessor"));
      });
      el.addEventListener("error", function () { reject(new Error("could not load " + el.getAttribute("src"))); });
      document.documentElement.appendChild(el);
    });
  }

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(url + " answered " + response.status);
      return response.text();
    });
  }

  /** Runs feed.xsl with xslt-processor and swaps the XML tree for the page it produces. */
  function renderFeed() {
    hideRawXml();
    var xslUrl = stylesheetHref();
    var parsed = new Promise(function (resolve) { whenParsed(resolve); });
    var step = "loading feed.xsl and " + BUNDLE;
    Promise.all([loadBundle(), fetchText(xslUrl), parsed])
      .then(function (results) {
        step = "transforming the feed";
        var lib = results[0];
        var parser = new lib.XmlParser();
        var source = parser.xmlParse(new XMLSerializer().serializeToString(document));
        var stylesheet = parser.xmlParse(results[1]);
        // Every option spelled out: a partial options object turns escaping off. selfClosingTags would
        // write <script/>, which the HTML parser reads as an unclosed script.
        var xslt = new lib.Xslt({
          cData: true, escape: true, selfClosingTags: false,
          parameters: [{ name: "assets", value: new URL(".", xslUrl).href }],
        });
        return xslt.xsltProcess(source, stylesheet);
      })
      .then(function (output) {
        step = "showing the page";
        var page = new DOMParser().parseFromString(output, "text/html");
        if (!page.body || !page.body.firstElementChild) throw new Error("the stylesheet produced no page");
        restoreEntryHtml(page);
        var root = document.importNode(page.documentElement, true);
        root.setAttribute("data-capsule-fallback", "xslt-processor");
        document.replaceChild(root, document.documentElement);
        enhanceAddressField(document);
      })
      .catch(function (error) { fail(step, error); });
  }

  try {
    var root = document.documentElement;
    if (root && root.namespaceURI === XHTML && root.localName === "html") {
      // The page feed.xsl produced (native XSLT): only finish what the engine may have left undone.
      whenParsed(function () {
        // Only where the engine ignored disable-output-escaping (the probe stayed text): where it honoured
        // it, entry HTML is already markup, and a text that looks like markup is someone's words, or an attack.
        var probe = document.querySelector("[data-capsule-doe-probe]");
        if (probe && !probe.firstElementChild) restoreEntryHtml(document);
        enhanceAddressField(document);
      });
    } else if (root && root.localName === "rss") {
      renderFeed();
    }
  } catch (error) {
    fail("starting", error);
  }
})();
