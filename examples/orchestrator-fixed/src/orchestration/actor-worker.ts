// Entry point of an actor's worker thread: a mailbox that runs the actor's behaviour
// on each message and posts its reply back to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { behaviourFor } from './behaviours.js';
import type { ActorMessage, ActorRole } from './messages.js';

if (!parentPort) throw new Error('actor-worker runs inside a worker thread');
const mailbox = parentPort;
const behave = behaviourFor((workerData as { role: ActorRole }).role);

mailbox.on('message', (message: ActorMessage) => {
  if (message.type === 'stop') {
    // Messages arrive in order, so everything sent before 'stop' has been handled.
    // With the port closed nothing keeps this thread alive and it exits.
    mailbox.close();
    return;
  }
  const reply = behave(message);
  if (reply) mailbox.postMessage(reply);
});
