// The built server under Node's cluster module: WORKERS processes (default 2) share one listening port, each a full
// instance on the shared store (its bus keeps them in step). For bench/scale.mjs; SIGTERM stops every worker.
import cluster from 'node:cluster';

if (cluster.isPrimary) {
  const workers = Array.from({ length: Number(process.env.WORKERS ?? 2) }, () => cluster.fork());
  process.once('SIGTERM', () => workers.forEach((w) => w.kill('SIGTERM')));
  cluster.on('exit', () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
} else {
  await import('../dist/main.js');
}
