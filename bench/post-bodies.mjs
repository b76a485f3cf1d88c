// Worker thread that plays the Data Streamer: posts each body in turn and reports the time.
// Running it off the main thread, with bodies encoded beforehand, keeps the sender's own
// costs out of the server's figure.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, bodies } = workerData;
const encoded = bodies.map((body) => Buffer.from(body));
const agent = new Agent({ keepAlive: true });

function post(body) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const start = performance.now();
for (const body of encoded) await post(body);
parentPort?.postMessage(performance.now() - start);
agent.destroy();
