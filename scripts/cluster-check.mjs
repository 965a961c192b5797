// Whether the cluster suite (npm run test:cluster) can run here: a Redis and a PostgreSQL that
// answer on their ports. Exit 0: yes; exit 2 and one line on stdout saying what is missing.
import { connect } from 'node:net';

const redisUrl = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
const postgresUrl = new URL(process.env.DATABASE_TEST_URL || 'postgres://root@127.0.0.1:5432/test');

const answers = (host, port) =>
  new Promise((resolve) => {
    const socket = connect({ host, port: Number(port), timeout: 2000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });

const missing = [];
if (!(await answers(redisUrl.hostname, redisUrl.port || 6379)))
  missing.push(`no Redis at ${redisUrl.host}`);
if (!(await answers(postgresUrl.hostname, postgresUrl.port || 5432)))
  missing.push(`no PostgreSQL at ${postgresUrl.host}`);
if (missing.length) {
  console.log(missing.join('; '));
  process.exit(2);
}
