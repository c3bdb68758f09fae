import autocannon from 'autocannon';

/**
 * The attacker, as a process of its own: failing logins for random accounts from random addresses
 * (X-Forwarded-For, as a botnet behind the trusted proxy would look), 100 connections, for the
 * seconds given. Reads { appUrl, cookie, csrf, seconds } over IPC and answers with the result.
 */
interface FloodOrder {
  appUrl: string;
  cookie: string;
  csrf: string;
  seconds: number;
}

function flood(order: FloodOrder): Promise<autocannon.Result> {
  let n = 0;
  return autocannon({
    url: `${order.appUrl}/login`,
    connections: 100,
    duration: order.seconds,
    method: 'POST',
    headers: { cookie: order.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    requests: [
      {
        setupRequest: (req) => {
          n += 1;
          const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
          return {
            ...req,
            headers: { ...req.headers, 'x-forwarded-for': ip },
            body: `_csrf=${encodeURIComponent(order.csrf)}&email=victim${n}%40example.test&password=guess-${n}-password`,
          };
        },
      },
    ],
  });
}

process.once('message', (order: FloodOrder) => {
  flood(order).then(
    (result) => process.send?.({ total: result.requests.total, statusCodeStats: result.statusCodeStats }, () => process.exit(0)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
});
