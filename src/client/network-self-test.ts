// The admin's connectivity self-test (/admin/network): the same mediasoup-client path as a room (device,
// send and receive transports, the server's WebRtcServer and TURN credentials) over the self-test
// socket. It sends silence from an AudioContext, receives it back, then reads each transport's selected
// ICE candidate pair: UDP, TCP or TURN relay, and the round-trip time.
import type { types } from 'mediasoup-client';
import type { ClientMessage } from '../realtime/client-messages';
import type { NewConsumer, ServerMessage } from '../rooms/live/protocol';
import { el } from './dom';
import { createDevice, mediaAbilities } from './media-device';
import { PendingRequests, type RequestMessage } from './room-requests';

type WireRtpCapabilities = RequestMessage<'consumeReady'>['rtpCapabilities'];
type WireRtpParameters = RequestMessage<'produce'>['rtpParameters'];

export interface PathReport {
  /** 'udp' | 'tcp' | 'relay' (TURN), or null when it did not connect. */
  path: 'udp' | 'tcp' | 'relay' | null;
  /** The relay's own transport to the TURN server (udp, tcp, tls), when relayed. */
  relayProtocol: string | null;
  rttMs: number | null;
}

export interface SelfTestResult {
  send: PathReport;
  recv: PathReport;
}

const connectTimeoutMs = 15_000;

/** Runs the whole test; resolves with what each direction used (path null: it did not connect). */
export async function runSelfTest(socketUrl: string): Promise<SelfTestResult> {
  const socket = new WebSocket(socketUrl);
  const requests = new PendingRequests(
    (m: ClientMessage) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(m)),
    (m) => m.message,
  );
  let onConsumer: (m: NewConsumer) => void = () => {};
  const consumerAnnounced = new Promise<NewConsumer>((resolve) => (onConsumer = resolve));
  socket.onmessage = (e) => {
    const m = JSON.parse(e.data) as ServerMessage;
    if (requests.settle(m)) return;
    if (m.type === 'newConsumer') onConsumer(m);
  };
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onclose = () => reject(new Error('self-test socket closed'));
  });
  const audio = new AudioContext();
  const silence = audio.createMediaStreamDestination(); // a track that carries silence
  const closers: (() => void)[] = [() => socket.close(1000), () => void audio.close()];
  try {
    const { routerRtpCapabilities, iceServers } = await requests.request({ type: 'mediaCapabilities' });
    const device = createDevice();
    await device.load({ routerRtpCapabilities });
    const transport = async (direction: 'send' | 'recv') => {
      const params = await requests.request({ type: 'createTransport', direction });
      const options = { ...params, iceServers };
      const t = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
      closers.push(() => t.close());
      t.on('connect', ({ dtlsParameters }, done, fail) => void requests.request({ type: 'connectTransport', transportId: t.id, dtlsParameters }).then(() => done(), fail));
      if (direction === 'send') {
        t.on('produce', ({ rtpParameters }, done, fail) => {
          requests.request({ type: 'produce', transportId: t.id, rtpParameters: rtpParameters as WireRtpParameters }).then(({ producerId }) => done({ id: producerId }), fail);
        });
      }
      return t;
    };
    const recv = await transport('recv');
    const send = await transport('send');
    await requests.request({ type: 'consumeReady', rtpCapabilities: device.recvRtpCapabilities as WireRtpCapabilities });
    const track = silence.stream.getAudioTracks()[0]!;
    await send.produce({ track, stopTracks: false });
    const announced = await withTimeout(consumerAnnounced, connectTimeoutMs);
    if (announced) {
      await recv.consume({ id: announced.consumerId, producerId: announced.producerId, kind: announced.kind, rtpParameters: announced.rtpParameters as types.RtpParameters });
      await requests.request({ type: 'resumeConsumer', consumerId: announced.consumerId });
    }
    const [sendPath, recvPath] = await Promise.all([pathOf(send), announced ? pathOf(recv) : noPath()]);
    return { send: sendPath, recv: recvPath };
  } finally {
    for (const close of closers.reverse()) close();
  }
}

function noPath(): Promise<PathReport> {
  return Promise.resolve({ path: null, relayProtocol: null, rttMs: null });
}

/** Waits for the transport to connect, then reads its selected candidate pair (the RTT needs a moment of checks). */
async function pathOf(transport: types.Transport): Promise<PathReport> {
  const connected = await withTimeout(
    new Promise<true>((resolve) => {
      if (transport.connectionState === 'connected') return resolve(true);
      transport.on('connectionstatechange', (state) => state === 'connected' && resolve(true));
    }),
    connectTimeoutMs,
  );
  if (!connected) return noPath();
  let report: PathReport = { path: null, relayProtocol: null, rttMs: null };
  for (let attempt = 0; attempt < 10; attempt++) {
    report = selectedPath(await transport.getStats());
    if (report.path && report.rttMs !== null) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return report;
}

/** The selected candidate pair of a peer connection's stats: which kind of path, and its RTT. */
export function selectedPath(stats: RTCStatsReport): PathReport {
  const all = [...stats.values()] as Record<string, unknown>[];
  const byId = new Map(all.map((s) => [s.id as string, s]));
  const selectedId = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId)?.selectedCandidatePairId as string | undefined;
  const pair = (selectedId && byId.get(selectedId)) || all.find((s) => s.type === 'candidate-pair' && (s.selected || (s.nominated && s.state === 'succeeded')));
  if (!pair) return { path: null, relayProtocol: null, rttMs: null };
  const local = byId.get(pair.localCandidateId as string);
  const remote = byId.get(pair.remoteCandidateId as string);
  const relayed = local?.candidateType === 'relay';
  // The path to Salon: for a relay, the server side's protocol (TURN relays over UDP); else the pair's own.
  const protocol = String(remote?.protocol ?? local?.protocol ?? '').toLowerCase();
  const rtt = typeof pair.currentRoundTripTime === 'number' ? Math.round(pair.currentRoundTripTime * 1000) : null;
  return {
    path: relayed ? 'relay' : protocol === 'tcp' ? 'tcp' : 'udp',
    relayProtocol: relayed ? String(local?.relayProtocol ?? local?.protocol ?? 'udp') : null,
    rttMs: rtt,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  return Promise.race([promise, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]);
}

/** Wires the /admin/network page's button (once per page display). */
export function bindSelfTest(section: HTMLElement) {
  const button = section.querySelector<HTMLButtonElement>('#self-test-run');
  const result = section.querySelector<HTMLElement>('#self-test-result');
  if (!button || !result || button.dataset.bound) return;
  button.dataset.bound = 'yes';
  const strings = JSON.parse(section.dataset.strings ?? '{}') as Record<string, string>;
  const t = (key: string, params: Record<string, string | number> = {}) =>
    Object.entries(params).reduce((text, [k, v]) => text.replaceAll(`{${k}}`, String(v)), strings[key] ?? key);
  if (!mediaAbilities().canListen) {
    result.replaceChildren(el('p', { class: 'notice warn' }, t('admin.network.test.unsupported')));
    return;
  }
  button.disabled = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.replaceChildren(el('p', { class: 'hint' }, t('admin.network.test.running')));
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    try {
      const outcome = await runSelfTest(`${scheme}://${location.host}/admin/network/self-test`);
      const row = (direction: 'send' | 'recv', r: PathReport) =>
        el(
          'li',
          { 'data-direction': direction, 'data-path': r.path ?? 'none', 'data-rtt': r.rttMs === null ? undefined : String(r.rttMs) },
          el('strong', {}, `${t(`admin.network.test.${direction}`)}: `),
          r.path ? t(`admin.network.test.${r.path}`, { protocol: (r.relayProtocol ?? 'udp').toUpperCase() }) : t('admin.network.test.failed'),
          r.rttMs !== null ? ` · ${t('admin.network.test.rtt', { ms: r.rttMs })}` : '',
        );
      const ok = outcome.send.path && outcome.recv.path;
      result.replaceChildren(el('ul', { class: `self-test-result notice ${ok ? 'ok' : 'warn'}`, id: 'self-test-outcome' }, row('send', outcome.send), row('recv', outcome.recv)));
    } catch (error) {
      console.warn('self-test failed', error);
      result.replaceChildren(el('p', { class: 'notice warn', id: 'self-test-outcome', 'data-path': 'none' }, t('admin.network.test.failed')));
    } finally {
      button.disabled = false;
    }
  });
}
