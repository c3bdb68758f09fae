// Copy buttons on result cards: shown only when the Clipboard API is there (they are hidden without JS).
(function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll('[data-copy-target]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var field = document.getElementById(button.getAttribute('data-copy-target'));
      if (!field) return;
      var label = button.firstChild.textContent;
      navigator.clipboard.writeText(field.value).then(function () {
        button.firstChild.textContent = 'Copied';
        setTimeout(function () { button.firstChild.textContent = label; }, 1500);
      });
    });
  });
})();
