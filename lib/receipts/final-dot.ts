import { Readable } from "node:stream";

/**
 * A message body that ends only when asked to go on after it: once the SMTP connection has taken
 * the whole body and written it out, `beforeEnd` runs, and the stream ends right after it, so
 * nodemailer's SMTP connection writes the final "." in that same turn of the event loop (it pipes
 * the message only once the server has accepted the envelope and said 354). The high-water mark
 * is the body's size, so the second read comes only when the consumer has taken the body, not
 * early to fill a buffer.
 */
export class FinalDot extends Readable {
  private given = false;
  private ended = false;

  constructor(
    private readonly body: Buffer,
    private readonly beforeEnd: () => void,
  ) {
    super({ highWaterMark: Math.max(1, body.length) });
  }

  override _read() {
    if (!this.given) {
      this.given = true;
      this.push(this.body);
      return;
    }
    if (this.ended) return;
    this.ended = true;
    // The consumer has taken the body, but its pipes write it to the socket in the ticks that
    // follow: wait for them, so that only the "." is left to write after `beforeEnd`.
    setImmediate(() => {
      if (this.destroyed) return;
      this.beforeEnd();
      this.push(null);
    });
  }
}
