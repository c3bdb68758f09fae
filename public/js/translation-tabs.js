/*
 * An image's text in other languages as tabs, one per language. Without JavaScript each language is
 * a section that opens on its own (<details>); with it, the sections become a tab list (the WAI-ARIA
 * tabs pattern: arrow keys, Home and End move between languages). Cards that batch-progress.js
 * swaps in later are turned into tabs too.
 */
(function () {
  'use strict';
  var counter = 0;

  function select(tabs, panels, index, focus) {
    tabs.forEach(function (tab, i) {
      var on = i === index;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      panels[i].hidden = !on;
    });
    if (focus) tabs[index].focus();
  }

  function enhance(box) {
    var sections = Array.prototype.slice.call(box.querySelectorAll(':scope > details.translation'));
    if (sections.length === 0) return;
    box.setAttribute('data-tabs-ready', '');
    var list = document.createElement('div');
    list.setAttribute('role', 'tablist');
    list.setAttribute('aria-label', 'The text in other languages');
    list.className = 'translation-tablist';
    var tabs = [];
    var panels = [];
    sections.forEach(function (section) {
      counter += 1;
      var tab = document.createElement('button');
      tab.type = 'button';
      tab.setAttribute('role', 'tab');
      tab.id = 'translation-tab-' + counter;
      tab.textContent = section.querySelector('summary').textContent.replace(/^In /, '');
      var panel = document.createElement('div');
      panel.setAttribute('role', 'tabpanel');
      panel.id = 'translation-panel-' + counter;
      panel.className = 'translation';
      panel.lang = section.lang;
      panel.tabIndex = 0;
      panel.setAttribute('aria-labelledby', tab.id);
      tab.setAttribute('aria-controls', panel.id);
      panel.appendChild(section.querySelector('dl'));
      section.replaceWith(panel);
      list.appendChild(tab);
      tabs.push(tab);
      panels.push(panel);
    });
    box.insertBefore(list, panels[0]);
    tabs.forEach(function (tab, i) {
      tab.addEventListener('click', function () { select(tabs, panels, i, false); });
      tab.addEventListener('keydown', function (event) {
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        select(tabs, panels, (next + tabs.length) % tabs.length, true);
      });
    });
    select(tabs, panels, 0, false);
  }

  function enhanceAll() {
    document.querySelectorAll('[data-translation-tabs]:not([data-tabs-ready])').forEach(enhance);
  }

  enhanceAll();
  new MutationObserver(enhanceAll).observe(document.body, { childList: true, subtree: true });
})();
