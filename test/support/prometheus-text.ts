// Parses Prometheus text exposition with a real parser (parse-prometheus-text-format), typed here.
// @ts-expect-error the package ships no types
import parsePrometheusText from 'parse-prometheus-text-format';

export interface PromSample {
  labels?: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}
export interface PromFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: PromSample[];
}

export function parsePrometheus(text: string): Map<string, PromFamily> {
  const families = parsePrometheusText(text) as PromFamily[];
  return new Map(families.map((f) => [f.name, f]));
}

/** The value of one series: the family's sample whose labels include `labels` (NaN when absent). */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? NaN : Number(sample.value);
}
