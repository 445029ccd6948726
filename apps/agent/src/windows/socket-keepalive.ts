/**
 * TCP keep-alive set once a socket is connected instead of while it connects.
 * Why: under wine 8 (the smoke test, tests/agent-exe), `socket.setKeepAlive(true, delay)` on a socket
 * that is still connecting makes libuv's connect fail with `UNKNOWN` (-4094), and undici — Node's
 * `fetch`, used for enrolment and update downloads — always does exactly that. Found by elimination:
 * a plain connect, noDelay, autoSelectFamily and keep-alive after the connect all work there. On Windows
 * itself both orders work; turning keep-alive on at the connect instead of a few milliseconds before it
 * changes nothing for the connection, so the agent applies this on every win32 run (no wine detection).
 */
import net from 'node:net';

let installed = false;

export function deferKeepAliveUntilConnected(): void {
  if (installed) return;
  installed = true;
  const original = net.Socket.prototype.setKeepAlive;
  net.Socket.prototype.setKeepAlive = function setKeepAliveWhenConnected(this: net.Socket, enable?: boolean, initialDelay?: number): net.Socket {
    if (this.connecting) {
      this.once('connect', () => { original.call(this, enable, initialDelay); });
      return this;
    }
    return original.call(this, enable, initialDelay);
  };
}
