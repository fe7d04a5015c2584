// The HTTPS listener, and how its certificate changes while it runs.
// Bun 1.4's server.reload() ignores `tls` (checked: the old certificate keeps being served), so a new
// certificate means a new listener on the same port (SO_REUSEPORT, which Elysia's listen sets) and the
// old one draining: it accepts nothing new, finishes its requests and keeps its room sockets until they
// close. Room broadcasts go to every listener that still holds sockets.
import type { Server } from 'bun';
import type { Certificate } from './certificate';

export type ListenTls = (tls: { cert: string; key: string }, port: number) => Server<unknown>;

export class HttpsListener {
  private current: Server<unknown>;
  private readonly draining = new Set<Server<unknown>>();
  readonly port: number;

  constructor(
    private readonly listen: ListenTls,
    certificate: Certificate,
    port: number,
  ) {
    this.current = listen(certificate, port);
    this.port = this.current.port!; // port 0 became a real one: every later listener reuses it
  }

  /** Serves `certificate` to new connections from now on; the old listener drains. */
  replace(certificate: Certificate) {
    const next = this.listen(certificate, this.port);
    const old = this.current;
    this.current = next;
    this.draining.add(old);
    void old.stop(false);
    this.forgetDrained();
  }

  publish(topic: string, data: string | Uint8Array) {
    this.current.publish(topic, data);
    for (const server of this.draining) server.publish(topic, data);
    this.forgetDrained();
  }

  async stop(closeActiveConnections = false) {
    await Promise.all([this.current, ...this.draining].map((server) => server.stop(closeActiveConnections)));
    this.draining.clear();
  }

  private forgetDrained() {
    for (const server of this.draining) {
      if (server.pendingWebSockets === 0 && server.pendingRequests === 0) this.draining.delete(server);
    }
  }
}
