// The HTTP latency histogram's clock: started when a request arrives, stopped after its response is
// sent. Requests are labelled by the route pattern Elysia matched (/r/:id, not /r/abc), so the number
// of series stays bounded; requests no route matched share one label.
const unmatched = '(unmatched)';

export class RequestTimer {
  private readonly started = new WeakMap<Request, number>();

  constructor(private readonly observe: (method: string, route: string, status: number, seconds: number) => void) {}

  start(request: Request): void {
    this.started.set(request, performance.now());
  }

  finish(request: Request, route: string | undefined, status: unknown): void {
    const start = this.started.get(request);
    if (start === undefined) return;
    this.started.delete(request);
    const code = typeof status === 'number' ? status : 200;
    this.observe(request.method, route || unmatched, code, (performance.now() - start) / 1000);
  }
}
