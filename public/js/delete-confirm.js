/*
 * Delete buttons (views/partials/delete-button.ejs) are GET forms that open a confirmation page, so
 * they work without JavaScript. With it, the browser's own confirm() asks instead, and the deletion
 * is POSTed to the same address with the page's CSRF token. Listening on the document keeps working
 * for cards that batch-progress.js swaps in.
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
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-delete-confirm')) return;
    event.preventDefault();
    if (!window.confirm(form.getAttribute('data-delete-confirm'))) return;
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
