/*
 * Copy buttons, for result fields and for secrets shown once (views/partials/secret-field.ejs). They
 * are hidden in the page and shown only where the Clipboard API is there (it needs HTTPS or
 * localhost); without it the read-only field is still there to select and copy by hand. The outcome
 * goes to the button's status line (role="status", so screen readers announce it) when it has one.
 * Cards swapped in later (live progress, a saved card) get their buttons shown too.
 */
(function () {
  if (!navigator.clipboard) return;
  function reveal() {
    document.querySelectorAll('[data-copy-target][hidden]').forEach(function (button) { button.hidden = false; });
  }
  function tell(button, text) {
    var status = document.getElementById(button.getAttribute('data-copy-status'));
    if (status) {
      status.textContent = text;
      return;
    }
    var label = button.getAttribute('data-label') || button.firstChild.textContent;
    button.setAttribute('data-label', label);
    button.firstChild.textContent = text;
    setTimeout(function () { button.firstChild.textContent = label; }, 1500);
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-copy-target]');
    if (!button) return;
    var field = document.getElementById(button.getAttribute('data-copy-target'));
    if (!field) return;
    navigator.clipboard.writeText(field.value).then(
      function () { tell(button, 'Copied'); },
      function () {
        field.select();
        tell(button, 'Could not copy: the text is selected, copy it by hand.');
      },
    );
  });
  // A secret's field selects itself whole when focused, ready to copy by hand too.
  document.addEventListener('focusin', function (event) {
    if (event.target.matches && event.target.matches('.secret[readonly]')) event.target.select();
  });
  document.addEventListener('cards:updated', reveal);
  document.addEventListener('batch-progress:cards-updated', reveal);
  reveal();
})();
