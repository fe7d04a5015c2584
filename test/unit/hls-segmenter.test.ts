// The live HLS arithmetic without ffmpeg: ADTS frames cut into 47-frame segments with their ID3
// timestamp, and the mixer's jitter buffers (priming, running dry, trimming, clipping).
import { expect, test } from 'bun:test';
import { frameSamples, mixFrame, SpeakerBuffer } from '../../src/hls/pcm-mixer';
import { AdtsSegmenter, framesPerSegment, id3Timestamp, type Segment } from '../../src/hls/segmenter';

/** A fake ADTS frame of `length` bytes (only the header fields the segmenter reads). */
function adtsFrame(length: number, fill: number): Uint8Array {
  const frame = new Uint8Array(length).fill(fill);
  frame.set([0xff, 0xf1, 0x4c, 0x80 | ((length >> 11) & 0x03), (length >> 3) & 0xff, ((length & 0x07) << 5) | 0x1f, 0xfc]);
  return frame;
}

test('ADTS frames in any chunking become 47-frame segments, each after an ID3 PRIV timestamp', () => {
  const segments: Segment[] = [];
  const segmenter = new AdtsSegmenter(10, (s) => segments.push(s));
  segmenter.restart(1_000_000, false);
  const stream = new Uint8Array(Array.from({ length: framesPerSegment * 2 + 5 }, (_, i) => [...adtsFrame(100 + (i % 7), i % 250)]).flat());
  for (let at = 0; at < stream.length; at += 333) segmenter.push(stream.subarray(at, at + 333));
  expect(segments.map((s) => s.seq)).toEqual([10, 11]);
  const tag = id3Timestamp(0);
  expect(tag.length).toBe(73);
  expect(new TextDecoder().decode(tag.subarray(20, 64))).toBe('com.apple.streaming.transportStreamTimestamp');
  const second = segments[1]!;
  const view = new DataView(second.data.buffer);
  expect(view.getUint32(65) * 2 ** 32 + view.getUint32(69)).toBe(framesPerSegment * 1920); // 90 kHz: 1024 samples at 48 kHz = 1920 ticks
  expect(second.data[73]).toBe(0xff);
  expect(second.startedAt).toBeCloseTo(1_000_000 + (framesPerSegment * 1024 * 1000) / 48000, 6);
  expect(second.duration).toBeCloseTo(1.003, 3);
  // A restart drops the partial segment, keeps numbering and timestamps, and marks the discontinuity.
  segmenter.restart(2_000_000, true);
  for (let i = 0; i < framesPerSegment; i++) segmenter.push(adtsFrame(90, 1));
  expect(segments[2]).toMatchObject({ seq: 12, discontinuity: true, startedAt: 2_000_000 });
});

const pcm = (value: number, samples: number) => new Uint8Array(new Int16Array(samples).fill(value).buffer);

test('the mixer waits for two frames of a speaker, plays silence when one runs dry, trims a late backlog and clips the sum', () => {
  const a = new SpeakerBuffer();
  const b = new SpeakerBuffer();
  a.push(pcm(1000, frameSamples));
  const sample = (frame: Uint8Array) => new Int16Array(frame.buffer)[0];
  expect(sample(mixFrame([a, b]))).toBe(0); // not primed yet
  a.push(pcm(1000, frameSamples + 1).subarray(0, frameSamples * 2 + 1)); // an odd byte split across reads
  a.push(new Uint8Array([0])); // completes one more sample (0x00e8 = 232): the mix goes on from it
  expect(sample(mixFrame([a, b]))).toBe(1000);
  b.push(pcm(30000, frameSamples * 20)); // 400 ms at once: trimmed to 60 ms
  expect(b.buffered).toBe(frameSamples * 3);
  expect(b.dropped).toBe(frameSamples * 17);
  expect(sample(mixFrame([a, b]))).toBe(31000);
  a.push(pcm(30000, frameSamples * 2));
  const loud = new Int16Array(mixFrame([a, b]).buffer);
  expect([loud[0], loud[1], loud[frameSamples - 1]]).toEqual([30232, 32767, 32767]); // clipped, not wrapped
});
