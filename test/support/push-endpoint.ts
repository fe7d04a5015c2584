// A local web push service for tests: it hands out subscriptions (a real P-256 key pair and auth
// secret per "device", like a browser makes), receives what Salon POSTs to their endpoints,
// checks the VAPID signature (RFC 8292) and decrypts the aes128gcm payload (RFC 8188 + RFC 8291)
// with the subscription's private key. Each endpoint can be told how to answer (e.g. 500, 500, 201).
import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';

export interface ReceivedPush {
  device: string;
  payload: { title: string; body: string; url: string; tag?: string };
  ttl: number;
  topic: string | null;
  urgency: string | null;
  at: number;
}

export interface TestSubscription {
  device: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

interface Device {
  ecdh: ECDH;
  publicKey: Buffer;
  auth: Buffer;
  /** Statuses to answer with, in order; then `fallback`. */
  answers: number[];
  fallback: number;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

/** RFC 8291 §3.4 + RFC 8188 §2: the plaintext of an aes128gcm body sent to this device. */
export function decryptPush(body: Buffer, device: { ecdh: ECDH; publicKey: Buffer; auth: Buffer }): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const senderPublicKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error(`keyid must be the sender's 65-byte public key, got ${idLength} bytes`);
  if (ciphertext.length > recordSize) throw new Error('more than one record: not expected for a push message');
  const ecdhSecret = device.ecdh.computeSecret(senderPublicKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), device.publicKey, senderPublicKey]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, device.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('the last record must end with the 0x02 delimiter');
  return padded.subarray(0, end);
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`; the JWT is ES256-signed by k, for this origin, not expired. */
export function checkVapid(header: string | null, origin: string): { subject: string } {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
  if (!match) throw new Error(`bad Authorization header: ${header}`);
  const [headerPart, claimsPart, signature] = match[1]!.split('.') as [string, string, string];
  const point = Buffer.from(match[2]!, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)) }, format: 'jwk' });
  const signed = verify('sha256', Buffer.from(`${headerPart}.${claimsPart}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!signed) throw new Error('VAPID signature does not verify');
  const claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  if (claims.aud !== origin) throw new Error(`VAPID audience ${claims.aud}, expected ${origin}`);
  if (claims.exp * 1000 < Date.now()) throw new Error('VAPID token expired');
  return { subject: claims.sub };
}

export class PushEndpoint {
  readonly received: ReceivedPush[] = [];
  readonly errors: string[] = [];
  /** Every request, with the status it got. */
  readonly requests: { device: string; status: number; at: number }[] = [];
  private readonly devices = new Map<string, Device>();
  /** Delay before each answer (ms): keeps deliveries in flight (restart tests). */
  delayMs = 0;
  private next = 1;

  private constructor(private readonly server: ReturnType<typeof Bun.serve>) {}

  static start(): PushEndpoint {
    let endpoint!: PushEndpoint;
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (request) => endpoint.handle(request) });
    endpoint = new PushEndpoint(server);
    return endpoint;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  /** A new device's subscription, as `PushSubscription.toJSON()` gives it in a browser. */
  subscribe(opts: { answers?: number[]; fallback?: number } = {}): TestSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const device = `d${this.next++}`;
    const publicKey = ecdh.getPublicKey();
    const auth = randomBytes(16);
    this.devices.set(device, { ecdh, publicKey, auth, answers: [...(opts.answers ?? [])], fallback: opts.fallback ?? 201 });
    return { device, endpoint: `${this.origin}/push/${device}`, keys: { p256dh: b64url(publicKey), auth: b64url(auth) } };
  }

  /** How this device answers from now on. */
  answer(device: string, answers: number[], fallback = 201) {
    const d = this.devices.get(device)!;
    d.answers = [...answers];
    d.fallback = fallback;
  }

  receivedBy(device: string): ReceivedPush[] {
    return this.received.filter((r) => r.device === device);
  }

  private async handle(request: Request): Promise<Response> {
    const device = new URL(request.url).pathname.replace('/push/', '');
    const d = this.devices.get(device);
    if (!d) return new Response('no such subscription', { status: 404 });
    const body = Buffer.from(await request.arrayBuffer());
    if (this.delayMs) await Bun.sleep(this.delayMs);
    const status = d.answers.length ? d.answers.shift()! : d.fallback;
    this.requests.push({ device, status, at: Date.now() });
    if (status >= 200 && status < 300) {
      try {
        if (request.headers.get('content-encoding') !== 'aes128gcm') throw new Error(`content-encoding ${request.headers.get('content-encoding')}`);
        checkVapid(request.headers.get('authorization'), this.origin);
        const payload = JSON.parse(decryptPush(body, d).toString('utf8'));
        this.received.push({ device, payload, ttl: Number(request.headers.get('ttl')), topic: request.headers.get('topic'), urgency: request.headers.get('urgency'), at: Date.now() });
      } catch (error) {
        this.errors.push(`${device}: ${(error as Error).message}`);
        return new Response('bad push', { status: 400 });
      }
    }
    return new Response(null, { status });
  }

  stop() {
    this.server.stop(true);
  }
}
