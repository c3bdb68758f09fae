/*
 * Passkeys through the browser's WebAuthn API (navigator.credentials). The server sends its options
 * as JSON with binary fields in base64url; they are turned into ArrayBuffers here, and the
 * authenticator's answer back into base64url JSON. Buttons stay hidden where WebAuthn is missing.
 *   [data-passkey-register]: a form on the account page that adds a passkey under the typed name.
 *   [data-passkey-login]: a button that signs in (login page) or confirms a pending sign-in.
 */
(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) base64 += '=';
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'x-csrf-token': csrf() },
      body: JSON.stringify(body || {}),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        var e = data.error;
        if (!res.ok) throw new Error(typeof e === 'string' ? e : (e && e.message) || 'The server refused: try again.');
        return data;
      });
    });
  }

  function credentialList(list) {
    return (list || []).map(function (c) { return { id: toBuffer(c.id), type: c.type, transports: c.transports }; });
  }

  function register(name) {
    return post('/account/passkeys/options').then(function (options) {
      var publicKey = Object.assign({}, options, {
        challenge: toBuffer(options.challenge),
        user: Object.assign({}, options.user, { id: toBuffer(options.user.id) }),
        excludeCredentials: credentialList(options.excludeCredentials),
      });
      return navigator.credentials.create({ publicKey: publicKey });
    }).then(function (credential) {
      var r = credential.response;
      return post('/account/passkeys', {
        name: name,
        response: {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          clientExtensionResults: credential.getClientExtensionResults(),
          authenticatorAttachment: credential.authenticatorAttachment || undefined,
          response: {
            clientDataJSON: toBase64url(r.clientDataJSON),
            attestationObject: toBase64url(r.attestationObject),
            transports: r.getTransports ? r.getTransports() : [],
          },
        },
      });
    });
  }

  function signIn() {
    return post('/login/passkey/options').then(function (options) {
      var publicKey = Object.assign({}, options, {
        challenge: toBuffer(options.challenge),
        allowCredentials: credentialList(options.allowCredentials),
      });
      return navigator.credentials.get({ publicKey: publicKey });
    }).then(function (credential) {
      var r = credential.response;
      return post('/login/passkey', {
        response: {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          clientExtensionResults: credential.getClientExtensionResults(),
          response: {
            clientDataJSON: toBase64url(r.clientDataJSON),
            authenticatorData: toBase64url(r.authenticatorData),
            signature: toBase64url(r.signature),
            userHandle: r.userHandle ? toBase64url(r.userHandle) : undefined,
          },
        },
      });
    });
  }

  function failed(status, err) {
    status.textContent = err && err.name === 'NotAllowedError' ? 'Cancelled, or no passkey was chosen.' : (err && err.message) || 'That did not work: try again.';
  }

  document.querySelectorAll('[data-passkey-register]').forEach(function (form) {
    form.hidden = false;
    var status = form.querySelector('[data-passkey-status]');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var name = form.querySelector('input[name="name"]').value.trim();
      if (!name) {
        status.textContent = 'Give the passkey a name first.';
        return;
      }
      status.textContent = 'Follow your browser\u2019s prompt\u2026';
      register(name).then(function (data) { window.location.assign(data.redirect); }, function (err) { failed(status, err); });
    });
  });

  document.querySelectorAll('[data-passkey-signin]').forEach(function (box) {
    box.hidden = false;
    var status = box.querySelector('[data-passkey-status]');
    box.querySelector('[data-passkey-login]').addEventListener('click', function () {
      status.textContent = 'Follow your browser\u2019s prompt\u2026';
      signIn().then(function (data) { window.location.assign(data.redirect); }, function (err) { failed(status, err); });
    });
  });
})();
