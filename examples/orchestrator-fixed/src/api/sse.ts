// GET /events: the bus as a Server-Sent Events stream, one subscription per client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BusEvent, EventBroadcaster } from './events.js';

const KEEP_ALIVE_INTERVAL_MS = 15_000;
/** A client this far behind is lagging: drop it, it resumes from the ring on reconnect. */
const MAX_BUFFERED_BYTES = 1 << 20;

export function streamEvents(req: IncomingMessage, res: ServerResponse, events: EventBroadcaster): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(': connected\n\n');

  const lastEventId = Number(req.headers['last-event-id']);
  if (Number.isInteger(lastEventId)) {
    for (const missed of events.since(lastEventId)) res.write(formatEvent(missed));
  }

  const forward = (event: BusEvent): void => {
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return;
    }
    res.write(formatEvent(event));
  };
  events.on('event', forward);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_INTERVAL_MS);

  // The subscription lives exactly as long as the client's connection.
  res.once('close', () => {
    clearInterval(keepAlive);
    events.off('event', forward);
  });
}

function formatEvent(event: BusEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
