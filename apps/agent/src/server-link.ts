/**
 * The agent's one outbound WebSocket to the server: handshake with the pinned server identity,
 * then messages both ways. Reconnects forever with capped exponential back-off and full jitter (many
 * agents coming back after a server restart do not all knock at once).
 */
import { createHash, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import WebSocket from 'ws';
import { AGENT_SOCKET_PATH, PROTOCOL_VERSION, challengeText, proofText, readServerFrame, type AgentMessage, type ServerMessage } from '@chaharsu/branch-sync/protocol';
import type { AgentLog } from './log.js';

export interface LinkIdentity {
  server_url: string;
  org_id: string;
  agent_id: string;
  secret: string;
  server_public_key: string;
  server_fingerprint: string;
  agent_version: string;
}

export interface LinkHandlers {
  onWelcome(welcome: Extract<ServerMessage, { type: 'welcome' }>): void;
  onMessage(message: ServerMessage): void;
  onDisconnect(reason: string): void;
}

export interface ReconnectPolicy { base_ms: number; cap_ms: number }

export function reconnectDelayMs(failures: number, policy: ReconnectPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.cap_ms, policy.base_ms * 2 ** Math.min(failures, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function socketUrl(server_url: string): string {
  const url = new URL(AGENT_SOCKET_PATH, server_url);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export class ServerLink {
  #socket: WebSocket | null = null;
  #ready = false;
  #failures = 0;
  #stopped = false;
  #timer: NodeJS.Timeout | null = null;
  readonly #publicKey;

  constructor(private readonly identity: LinkIdentity, private readonly handlers: LinkHandlers, private readonly log: AgentLog, private readonly policy: ReconnectPolicy) {
    const der = Buffer.from(identity.server_public_key, 'base64');
    if (createHash('sha256').update(der).digest('hex') !== identity.server_fingerprint) throw new Error('pinned server key does not match its fingerprint: re-enrol the agent');
    this.#publicKey = createPublicKey({ key: der, format: 'der', type: 'spki' });
  }

  get ready(): boolean { return this.#ready; }

  /** A rotated secret: the next handshake proves this one (the server accepts it as soon as it issued it). */
  updateSecret(secret: string): void { this.identity.secret = secret; }

  start(): void { this.connect(); }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#socket?.close(1000, 'agent stopping');
  }

  /** Drops the connection abruptly (the fault test's "cut the connection"); the link reconnects. */
  cut(): void { this.#socket?.terminate(); }

  send(message: AgentMessage): boolean {
    if (!this.#ready || !this.#socket || this.#socket.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  private connect(): void {
    if (this.#stopped) return;
    const agent_nonce = randomBytes(32).toString('base64url');
    const socket = new WebSocket(socketUrl(this.identity.server_url), { handshakeTimeout: 15_000, maxPayload: 64 * 1024 * 1024 });
    this.#socket = socket;
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, org_id: this.identity.org_id, agent_id: this.identity.agent_id, agent_nonce, agent_version: this.identity.agent_version } satisfies AgentMessage));
    });
    socket.on('message', (data) => this.onRaw(socket, String(data), agent_nonce));
    socket.on('error', (error) => this.log.debug('server connection error', error));
    socket.on('close', (code, reason) => this.onClose(socket, `${code} ${String(reason)}`));
  }

  private onRaw(socket: WebSocket, raw: string, agent_nonce: string): void {
    const frame = readServerFrame(raw);
    if (frame.kind === 'unknown_type') {
      // A newer server may send messages this version does not know (e.g. an update offer to an old agent): skip them.
      this.log.debug(`ignoring a server message of unknown type "${frame.type.slice(0, 50)}"`);
      return;
    }
    if (frame.kind === 'invalid') {
      this.log.error('unreadable message from the server', frame.error);
      socket.terminate();
      return;
    }
    const message: ServerMessage = frame.message;
    if (message.type === 'challenge') {
      const text = challengeText({ server_nonce: message.server_nonce, agent_nonce, agent_id: this.identity.agent_id, server_time: message.server_time });
      if (!verify(null, Buffer.from(text, 'utf8'), this.#publicKey, Buffer.from(message.signature, 'base64'))) {
        this.log.error('the server did not prove its identity (signature does not match the pinned key): not authenticating');
        socket.terminate();
        return;
      }
      const proof = createHmac('sha256', this.identity.secret)
        .update(proofText({ server_nonce: message.server_nonce, agent_nonce, agent_id: this.identity.agent_id, server_fingerprint: this.identity.server_fingerprint }))
        .digest('hex');
      socket.send(JSON.stringify({ type: 'auth', proof } satisfies AgentMessage));
      return;
    }
    if (message.type === 'denied') {
      this.log.error(`the server refused this agent: ${message.code}`);
      socket.close(1000, 'denied');
      return;
    }
    if (message.type === 'welcome') {
      this.#ready = true;
      this.#failures = 0;
      this.log.info('connected to the server');
      this.handlers.onWelcome(message);
      return;
    }
    if (this.#ready) this.handlers.onMessage(message);
  }

  private onClose(socket: WebSocket, reason: string): void {
    if (this.#socket !== socket) return;
    const wasReady = this.#ready;
    this.#ready = false;
    this.#socket = null;
    if (wasReady) this.handlers.onDisconnect(reason);
    if (this.#stopped) return;
    const delay = reconnectDelayMs(this.#failures, this.policy);
    this.#failures += 1;
    this.log.debug(`reconnecting in ${delay} ms (${reason})`);
    this.#timer = setTimeout(() => this.connect(), delay);
  }
}
