// Copy buttons on result cards: shown only when the Clipboard API is there (they are hidden without JS).
// Cards swapped in later (live progress, a saved card) get theirs shown too.
(function () {
  if (!navigator.clipboard) return;
  function reveal() {
    document.querySelectorAll('[data-copy-target][hidden]').forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-copy-target]');
    if (!button) return;
    var field = document.getElementById(button.getAttribute('data-copy-target'));
    if (!field) return;
    var label = button.firstChild.textContent;
    navigator.clipboard.writeText(field.value).then(function () {
      button.firstChild.textContent = 'Copied';
      setTimeout(function () { button.firstChild.textContent = label; }, 1500);
    });
  });
  document.addEventListener('cards:updated', reveal);
  document.addEventListener('batch-progress:cards-updated', reveal);
  reveal();
})();
