// Upload form: drag and drop, a check of count and size before sending, and a progress bar (XHR).
// Without JavaScript the same form posts normally; with it, the request must be the one the pressed
// button would have sent (its formaction, formmethod, name and value), so "Describe without storing"
// never reaches the storing endpoint. Anything the script cannot send the same way, it leaves to the browser.
(function () {
  var form = document.querySelector('[data-upload-form]');
  if (!form) return;
  var input = form.querySelector('input[type=file]');
  var zone = form.querySelector('[data-dropzone]');
  var summary = form.querySelector('[data-file-summary]');
  var progressBox = form.querySelector('[data-upload-progress]');
  var bar = progressBox.querySelector('progress');
  var status = form.querySelector('[data-upload-status]');
  var buttons = form.querySelectorAll('button[type=submit], input[type=submit]');
  var maxBytes = Number(form.getAttribute('data-max-bytes'));

  function problem(submitter) {
    var files = input.files;
    var limit = (submitter && submitter.getAttribute('data-max-files')) || form.getAttribute('data-max-files');
    var maxFiles = Number(limit);
    if (files.length > maxFiles) return 'Choose at most ' + maxFiles + ' images at a time.';
    for (var i = 0; i < files.length; i++) {
      if (files[i].size > maxBytes) return '"' + files[i].name + '" is larger than ' + Math.round(maxBytes / 1048576) + ' MB.';
    }
    return '';
  }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle('flash', isError);
    status.classList.toggle('flash-error', isError);
  }

  // The files chosen so far: a second pick or drop adds to them, and each can be taken out again.
  var chosen = [];
  var thumbs = form.querySelector('[data-upload-thumbs]');
  var canRebuild = typeof DataTransfer === 'function';

  // The same file picked twice (its name and size) is added once.
  function sameFile(a, b) { return a.name === b.name && a.size === b.size && a.type === b.type; }

  function megabytes(bytes) {
    if (bytes < 1048576) return Math.max(1, Math.round(bytes / 1024)) + ' KB';
    return (bytes / 1048576).toFixed(bytes < 10485760 ? 1 : 0) + ' MB';
  }

  function setInputFiles() {
    var transfer = new DataTransfer();
    chosen.forEach(function (file) { transfer.items.add(file); });
    input.files = transfer.files;
  }

  function drawThumbs() {
    if (!thumbs) return;
    Array.prototype.forEach.call(thumbs.querySelectorAll('img'), function (img) { URL.revokeObjectURL(img.src); });
    thumbs.textContent = '';
    chosen.forEach(function (file, index) {
      var item = document.createElement('li');
      item.className = 'upload-thumb';
      var img = document.createElement('img');
      img.alt = '';
      img.src = URL.createObjectURL(file);
      var name = document.createElement('span');
      name.className = 'upload-thumb-name';
      name.textContent = file.name + ' (' + megabytes(file.size) + ')';
      var remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'button-link';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', 'Remove ' + file.name);
      remove.addEventListener('click', function () {
        chosen.splice(index, 1);
        setInputFiles();
        describeSelection();
        input.focus();
      });
      item.appendChild(img);
      item.appendChild(name);
      item.appendChild(remove);
      thumbs.appendChild(item);
    });
  }

  function add(files) {
    if (!canRebuild) return; // the browser's own selection stands
    Array.prototype.forEach.call(files, function (file) {
      if (!chosen.some(function (known) { return sameFile(known, file); })) chosen.push(file);
    });
    setInputFiles();
  }

  function describeSelection() {
    var n = input.files.length;
    var total = 0;
    for (var i = 0; i < n; i++) total += input.files[i].size;
    summary.textContent = n === 0 ? '' : n + (n === 1 ? ' image chosen, ' : ' images chosen, ') + megabytes(total) + ' in all.';
    drawThumbs();
    var error = problem(null);
    say(error, error !== '');
  }

  input.addEventListener('change', function () {
    add(input.files);
    describeSelection();
  });
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
    if (canRebuild) add(event.dataTransfer.files);
    else input.files = event.dataTransfer.files;
    describeSelection();
  });

  // What the browser itself would send for this button: the button's form* attributes win over the form's.
  function submission(submitter) {
    function pick(attribute, property, fallback) {
      return submitter && submitter.hasAttribute(attribute) ? submitter[property] : fallback;
    }
    return {
      action: pick('formaction', 'formAction', form.action),
      method: pick('formmethod', 'formMethod', form.method).toLowerCase(),
      enctype: pick('formenctype', 'formEnctype', form.enctype).toLowerCase(),
      target: pick('formtarget', 'formTarget', form.target),
    };
  }

  form.addEventListener('submit', function (event) {
    var submitter = event.submitter;
    var error = problem(submitter);
    if (error) {
      event.preventDefault();
      say(error, true);
      return;
    }
    // An older browser that does not say which button was pressed: let it send the form itself.
    if (submitter === undefined && buttons.length > 1) return;
    var send = submission(submitter);
    if (!window.FormData || !window.XMLHttpRequest || send.method !== 'post' || send.enctype !== 'multipart/form-data' || (send.target && send.target !== '_self')) return;
    event.preventDefault();

    // The fields first, then how many files follow, then the files: the server describes the first
    // image while the rest are still uploading, with the options it has already read.
    var data = new FormData();
    var files = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === 'string') data.append(name, value);
      else files.push([name, value]);
    });
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    data.append('image_count', String(input.files.length));
    files.forEach(function (entry) { data.append(entry[0], entry[1], entry[1].name); });
    var xhr = new XMLHttpRequest();
    xhr.open('POST', send.action);
    // The server answers JSON: where to go next, or the refusal to show here (a redirect would lose it).
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      bar.value = Math.round((e.loaded / e.total) * 100);
      say(bar.value < 100 ? 'Uploading: ' + bar.value + '%' : 'Preparing your images…', false);
    });
    xhr.addEventListener('load', function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: said below by its status */ }
      if (xhr.status >= 200 && xhr.status < 300 && body && body.location) {
        window.location.assign(body.location);
        return;
      }
      fail(body && body.error && body.error.message ? body.error.message : 'The upload did not work (' + xhr.status + '). Nothing was uploaded.');
    });
    xhr.addEventListener('error', function () { fail('The connection was lost; nothing was uploaded. Try again.'); });
    progressBox.hidden = false;
    bar.value = 0;
    setBusy(true);
    say('Uploading…', false);
    xhr.send(data);
  });

  function setBusy(busy) {
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = busy;
  }

  function fail(message) {
    progressBox.hidden = true;
    setBusy(false);
    say(message, true);
  }
})();
