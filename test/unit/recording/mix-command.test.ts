// The post-room mix's command lines, loudness arithmetic, waveform buckets and packet spans, without ffmpeg.
import { describe, expect, test } from 'bun:test';
import { correctedGain, finishFilter, gainFor, headroomFor, limiterActs, limiterCheckArgs, m4aArgs, mixArgs, mixGraph, opusArgs, mixInputs, parseIntegratedLoudness, parseLoudness, resolveSpan, type MixPlan } from '../../../src/recording/mix/mix-command';
import { PeakMeter } from '../../../src/recording/mix/peaks';
import { PacketRuns } from '../../../src/recording/mix/probe-track';

const plan: MixPlan = {
  tracks: [
    { file: '/data/recordings/r1/tracks/1.webm', offsetMs: 0 },
    { file: '/data/recordings/r1/tracks/2.webm', offsetMs: 12_345.6 },
  ],
  durationMs: 60_000,
  span: { startMs: 1500, endMs: 30_000 },
};

describe('mixGraph', () => {
  const graph = mixGraph(plan);
  const [first, second, mix] = graph.split(';');

  test('each track: timestamps from zero, gaps filled with silence, mono 48 kHz, delayed to its offset', () => {
    expect(first).toBe('[0:a]asetpts=PTS-STARTPTS,aresample=async=1:min_hard_comp=0.015:first_pts=0,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=mono,adelay=0:all=1[t0]');
    expect(second).toContain('[1:a]asetpts=PTS-STARTPTS,aresample=async=1');
    expect(second).toEndWith('adelay=12346:all=1[t1]');
  });

  test('then mixed without normalisation, padded to the recording, trimmed, scaled for headroom and measured', () => {
    expect(mix).toBe(
      '[t0][t1]amix=inputs=2:normalize=0:dropout_transition=0,apad=whole_dur=60.000,atrim=start_sample=72000:end_sample=1440000,asetpts=PTS-STARTPTS,volume=0.500000,ebur128=peak=sample:framelog=verbose[mix]',
    );
  });

  test('pass 1 reads every track and writes s16 FLAC', () => {
    const args = mixArgs(plan, '/tmp/mix.partial.flac');
    expect(args.filter((a, i) => args[i - 1] === '-i')).toEqual(plan.tracks.map((t) => t.file));
    expect(args.slice(args.indexOf('-filter_complex'), args.indexOf('-filter_complex') + 2)).toEqual(['-filter_complex', graph]);
    expect(args.slice(-12)).toEqual(['-map', '[mix]', '-c:a', 'flac', '-compression_level', '0', '-sample_fmt', 's16', '-f', 'flac', '-y', '/tmp/mix.partial.flac']);
    expect(args).toContain('info'); // ebur128's summary is logged at info
    expect(() => mixArgs({ ...plan, tracks: [] }, 'x')).toThrow('no track');
  });
});

describe('pass 2', () => {
  test('a static gain then a limiter without auto level, under -1 dBTP', () => {
    expect(finishFilter(6.04)).toBe('volume=6.04dB,alimiter=limit=0.7079:level=0:attack=5:release=50:latency=1');
  });

  test('Opus for the player, with the peaks PCM on stdout; AAC with the index first for podcast apps', () => {
    const opus = opusArgs('/r/mix.flac', 3, '/r/replay.opus.partial', 'Talk "1"');
    expect(opus.join(' ')).toContain('-map [out] -c:a libopus -b:a 48k -compression_level 5 -ac 1 -metadata title=Talk "1" -f opus -y /r/replay.opus.partial');
    expect(opus.join(' ')).toEndWith('-map [peaks] -c:a pcm_s16le -ac 1 -f s16le pipe:1');
    expect(opus[opus.indexOf('-filter_complex') + 1]).toBe(`[0:a]${finishFilter(3)},asplit=2[out][wave];[wave]aresample=8000[peaks]`);
    const m4a = m4aArgs('/r/mix.flac', 3, '/r/replay.m4a.partial');
    expect(m4a.join(' ')).toContain('-c:a aac -aac_coder fast -b:a 96k -ac 1 -movflags +faststart -f mp4 -y /r/replay.m4a.partial');
    expect(m4a).not.toContain('-metadata');
  });
});

describe('loudness', () => {
  const summary = (i: string) => `[Parsed_ebur128_12 @ 0x55] Summary:\n\n  Integrated loudness:\n    I:         ${i} LUFS\n    Threshold: -26.1 LUFS\n\n  Loudness range:\n    LRA:         0.8 LU\n`;

  test('the last summary counts (ffmpeg may configure the graph twice)', () => {
    expect(parseIntegratedLoudness(summary('0.0') + 'Stream mapping: ...\n' + summary('-25.7'))).toBe(-25.7);
    expect(parseIntegratedLoudness('no summary here')).toBeNull();
    expect(parseIntegratedLoudness(summary('-inf'))).toBe(-70);
  });

  test('the sample peak too, when ebur128 measured it', () => {
    const withPeak = summary('-25.7') + '\n  Sample peak:\n    Peak:      -7.8 dBFS\n';
    expect(parseLoudness(withPeak)).toEqual({ integrated: -25.7, samplePeak: -7.8 });
    expect(parseLoudness(summary('-25.7'))).toEqual({ integrated: -25.7, samplePeak: null });
    expect(parseLoudness('')).toEqual({ integrated: null, samplePeak: null });
  });

  test('the limiter check runs only when the gain pushes peaks past the ceiling', () => {
    expect(limiterActs(-12, 9)).toBe(false); // -3 dBFS: under -2.5
    expect(limiterActs(-10, 9)).toBe(true);
    expect(limiterActs(null, 0)).toBe(true); // unknown peak: check
  });

  test('a trial: the finished signal measured without encoding', () => {
    expect(limiterCheckArgs('/r/mix.flac', 9).join(' ')).toBe(`-nostdin -hide_banner -nostats -loglevel info -i /r/mix.flac -af ${finishFilter(9)},ebur128=framelog=verbose -f null -`);
  });

  test('the gain is interpolated between the trials to land on the target through the limiter', () => {
    expect(correctedGain(9, -17.1, -16.1)).toBeCloseTo(11.2, 5); // 0.5 LU per dB: 1.1 LU short needs 2.2 dB
    expect(correctedGain(9, -16, -14)).toBe(9); // no limiting: already there
    expect(correctedGain(9, -25, -24.9)).toBe(15); // crushing: at most 6 dB more
    expect(correctedGain(9, -17, null)).toBe(10); // one trial only: the plain difference
    expect(correctedGain(9, null, null)).toBe(9);
    expect(correctedGain(29, -17, -15)).toBe(30); // total gain still capped
  });

  test('gain to -16 LUFS, none for silence, capped for a very quiet room', () => {
    expect(gainFor(-25.7)).toBeCloseTo(9.7, 5);
    expect(gainFor(-12)).toBe(-4);
    expect(gainFor(-70)).toBe(0);
    expect(gainFor(-60)).toBe(30);
  });

  test('headroom before the s16 intermediate grows with the speakers, up to 4', () => {
    expect([1, 2, 3, 4, 10].map(headroomFor)).toEqual([0.5, 0.5, 1 / 3, 0.25, 0.25]);
  });
});

describe('resolveSpan', () => {
  test('no trim: the whole recording', () => {
    expect(resolveSpan(60_000, 0, null)).toEqual({ startMs: 0, endMs: 60_000, trimIgnored: false });
  });
  test('a trim is kept within the recording', () => {
    expect(resolveSpan(60_000, 5000, 50_000)).toEqual({ startMs: 5000, endMs: 50_000, trimIgnored: false });
    expect(resolveSpan(60_000, -5, 90_000)).toEqual({ startMs: 0, endMs: 60_000, trimIgnored: false });
  });
  test('a trim that leaves nothing is ignored', () => {
    expect(resolveSpan(60_000, 70_000, null)).toEqual({ startMs: 0, endMs: 60_000, trimIgnored: true });
    expect(resolveSpan(60_000, 30_000, 20_000)).toEqual({ startMs: 0, endMs: 60_000, trimIgnored: true });
  });
});

describe('PeakMeter', () => {
  const pcm = (values: number[]) => new Uint8Array(new Int16Array(values).buffer);

  test('one value per 100 ms: the largest absolute sample, 0..1, even when a sample is split across chunks', () => {
    const meter = new PeakMeter(300, 100); // 10 samples per bucket, 3 buckets
    const bytes = pcm([0, 100, -16384, 5, 0, 0, 0, 0, 0, 0, /**/ 8192, 0, 0, 0, 0, 0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0, 0, 0, 0, 0, -32768]);
    meter.push(bytes.subarray(0, 3)); // splits the second sample
    meter.push(bytes.subarray(3, 21));
    meter.push(bytes.subarray(21));
    expect(meter.result()).toEqual({ durationMs: 300, peaks: [0.5, 0.25, 1] });
  });

  test('a long replay gets wider buckets, at most 2000 of them; extra samples land in the last one', () => {
    const meter = new PeakMeter(3 * 3600_000, 10);
    expect(meter.result().peaks.length).toBe(2000);
    const short = new PeakMeter(200, 100);
    short.push(pcm(new Array(25).fill(0).concat([16384])));
    expect(short.result().peaks).toEqual([0, 0.5]);
  });
});

describe('PacketRuns', () => {
  const read = (lines: string[]) => {
    const runs = new PacketRuns();
    for (const line of lines) runs.add(line);
    return runs;
  };

  test('first packet to the end of the last, from ffprobe csv lines', () => {
    const packets = read(['-0.007000,0.020000', '0.013000,0.020000', 'N/A,0.020000', '', '9.994000,0.020000,']);
    expect(packets.durationMs()).toBe(10_021);
    expect(packets.firstPtsMs()).toBe(-7);
    expect(packets.runs()).toEqual([{ startMs: 0, endMs: 10_021 }]); // a 9.96 s gap is filled, not split
    expect(new PacketRuns().durationMs()).toBeNull();
    expect(new PacketRuns().runs()).toEqual([]);
  });

  test('a mute longer than 10 s splits the track into runs; shorter ones do not', () => {
    const lines = ['0.000,0.020', '4.980,0.020', /* 5 s mute */ '10.000,0.020', '19.980,0.020', /* 30 min mute */ '1820.000,0.020', '1829.980,0.020'];
    expect(read(lines).runs()).toEqual([
      { startMs: 0, endMs: 20_000 },
      { startMs: 1_820_000, endMs: 1_830_000 },
    ]);
  });

  test('a speaker who mutes very often: only the 39 longest gaps split (40 runs at most)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) lines.push(`${i * 100},0.020`, `${i * 100 + 10},0.020`); // gaps of ~90 s
    lines.push('6100,0.020'); // one gap of 190 s
    const runs = read(lines).runs();
    expect(runs.length).toBe(40);
    expect(runs.at(-1)).toEqual({ startMs: 6_100_000, endMs: 6_100_020 }); // the longest gap is among the splits
  });
});

describe('mixInputs', () => {
  test('a track in one run is one input at its offset', () => {
    expect(mixInputs([{ file: 'a.webm', offsetMs: 2500.4, runs: [{ startMs: 0, endMs: 9000 }] }])).toEqual([{ file: 'a.webm', delayMs: 2500 }]);
    expect(mixInputs([{ file: 'a.webm', offsetMs: 0 }])).toEqual([{ file: 'a.webm', delayMs: 0 }]);
  });

  test('a track with long mutes: one input per run, read from half a second before it to half a second after', () => {
    const runs = [
      { startMs: 0, endMs: 20_000 },
      { startMs: 1_820_000, endMs: 1_830_000 },
      { startMs: 2_000_000, endMs: 2_500_000 },
    ];
    expect(mixInputs([{ file: 'b.webm', offsetMs: 3000, runs, firstPtsMs: -7 }])).toEqual([
      { file: 'b.webm', delayMs: 3000, readMs: 20_500 },
      { file: 'b.webm', delayMs: 1_823_000, seekMs: 1_819_493, readMs: 11_000 },
      { file: 'b.webm', delayMs: 2_003_000, seekMs: 1_999_493 },
    ]);
    const args = mixArgs({ tracks: [{ file: 'b.webm', offsetMs: 3000, runs, firstPtsMs: -7 }], durationMs: 2_600_000, span: { startMs: 0, endMs: 2_600_000 } }, 'm.flac');
    expect(args.join(' ')).toContain('-t 20.500 -i b.webm -ss 1819.493 -t 11.000 -i b.webm -ss 1999.493 -i b.webm -filter_complex');
    expect(args.join(' ')).toContain('amix=inputs=3:');
    expect(args.join(' ')).toContain('volume=0.500000'); // headroom counts speakers, not runs
  });
});
