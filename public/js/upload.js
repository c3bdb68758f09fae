// Upload form: drag and drop, a check of count and size before sending, and a progress bar (XHR).
// Without JavaScript the same form posts normally.
(function () {
  var form = document.querySelector('[data-upload-form]');
  if (!form) return;
  var input = form.querySelector('input[type=file]');
  var zone = form.querySelector('[data-dropzone]');
  var summary = form.querySelector('[data-file-summary]');
  var progressBox = form.querySelector('[data-upload-progress]');
  var bar = progressBox.querySelector('progress');
  var status = form.querySelector('[data-upload-status]');
  var button = form.querySelector('button[type=submit]');
  var maxFiles = Number(form.getAttribute('data-max-files'));
  var maxBytes = Number(form.getAttribute('data-max-bytes'));

  function problem() {
    var files = input.files;
    if (files.length > maxFiles) return 'Choose at most ' + maxFiles + ' images at a time.';
    for (var i = 0; i < files.length; i++) {
      if (files[i].size > maxBytes) return '"' + files[i].name + '" is larger than ' + Math.round(maxBytes / 1048576) + ' MB.';
    }
    return '';
  }

  function describeSelection() {
    var n = input.files.length;
    summary.textContent = n === 0 ? '' : n + (n === 1 ? ' image chosen.' : ' images chosen.');
    status.textContent = problem();
  }

  input.addEventListener('change', describeSelection);
  ['dragenter', 'dragover'].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.add('dropzone-active');
    });
  });
  ['dragleave', 'drop'].forEach(function (type) {
    zone.addEventListener(type, function () { zone.classList.remove('dropzone-active'); });
  });
  zone.addEventListener('drop', function (event) {
    event.preventDefault();
    if (!event.dataTransfer || event.dataTransfer.files.length === 0) return;
    input.files = event.dataTransfer.files;
    describeSelection();
  });

  form.addEventListener('submit', function (event) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    var error = problem();
    if (error) {
      status.textContent = error;
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      bar.value = Math.round((e.loaded / e.total) * 100);
      status.textContent = bar.value < 100 ? 'Uploading: ' + bar.value + '%' : 'Preparing your images…';
    });
    xhr.addEventListener('load', function () {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
        window.location.assign(xhr.responseURL);
        return;
      }
      var message = 'The upload did not work (' + xhr.status + ').';
      try { message = JSON.parse(xhr.responseText).error.message; } catch (e) { /* not JSON: keep the status */ }
      fail(message);
    });
    xhr.addEventListener('error', function () { fail('The connection was lost; nothing was uploaded. Try again.'); });
    progressBox.hidden = false;
    bar.value = 0;
    button.disabled = true;
    status.textContent = 'Uploading…';
    xhr.send(new FormData(form));
  });

  function fail(message) {
    progressBox.hidden = true;
    button.disabled = false;
    status.textContent = message;
  }
})();
