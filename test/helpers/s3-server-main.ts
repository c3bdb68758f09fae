import S3rver from 's3rver';

/**
 * Runs s3rver in a process of its own: `node --openssl-legacy-provider s3-server-main.js DIR BUCKET PORT`.
 * s3rver 3.7 seals ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers through
 * its legacy provider; a separate process also lets a test stop the server the hard way.
 */
async function main(): Promise<void> {
  const [directory, bucket, port] = process.argv.slice(2);
  const server = new S3rver({ address: '127.0.0.1', port: Number(port), silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  process.stdout.write(`listening ${address.port}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

main().catch((err) => {
  process.stderr.write(`s3rver failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
