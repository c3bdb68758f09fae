/** Shown on the docs page and in the README: how a receiver checks a Sightline webhook (Node.js). */
export const verificationSnippet = `const crypto = require('node:crypto');

// secret: the whsec_... value shown once when the endpoint was created
function verifySightlineWebhook(secret, headers, rawBody) {
  const id = headers['webhook-id'];
  const timestamp = Number(headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - timestamp) > 300) return false; // 5 minute tolerance
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = crypto.createHmac('sha256', key).update(\`\${id}.\${timestamp}.\${rawBody}\`).digest();
  return headers['webhook-signature'].split(' ').some((part) => {
    const [version, signature] = part.split(',');
    const given = Buffer.from(signature || '', 'base64');
    return version === 'v1' && given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}
// Deduplicate on webhook-id: a retry repeats it.`;
