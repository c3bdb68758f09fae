/*
 * Destructive actions ask first. Their buttons (views/partials/delete-button.ejs) are GET forms that
 * open a confirmation page, so they work without JavaScript; with it, the browser's own confirm()
 * asks instead, and the action is POSTed to the same address with the page's CSRF token. A POST form
 * that already asks for something (the password to delete an account) is only confirmed, then sent.
 * Listening on the document keeps working for cards that batch-progress.js swaps in.
 */
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta || !meta.content) return;

  function hidden(name, value) {
    var input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    return input;
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) return;
    event.preventDefault();
    if (!window.confirm(form.getAttribute('data-confirm'))) return;
    if (form.method === 'post') {
      form.submit(); // submit() fires no submit event, so this is not asked again
      return;
    }
    var post = document.createElement('form');
    post.method = 'post';
    post.action = form.action;
    post.hidden = true;
    post.appendChild(hidden('_csrf', meta.content));
    new FormData(form).forEach(function (value, name) { post.appendChild(hidden(name, value)); });
    document.body.appendChild(post);
    post.submit();
  });
})();
