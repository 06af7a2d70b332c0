import type { MetricValueWithName, Registry } from 'prom-client';

type LabelValues = Record<string, string | number>;

/** One labelled series: its counts per bucket (not cumulative; the last is above every bound), sum and count. */
export interface HistogramSeries {
  readonly labels: LabelValues;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram whose series are looked up by the caller once and
 * then observed with no label work: prom-client's `Histogram.observe(labels,
 * value)` validates and hashes the label set on every call (its `labels()`
 * child does too), a cost paid on every request of every route by the
 * request-duration metric. It is registered as a custom metric (prom-client's
 * `Registry.registerMetric`, which takes any object with `get()`) and exposes
 * exactly what a prom-client Histogram with the same buckets would: cumulative
 * `_bucket` series with `le`, then `_sum` and `_count` (a unit test compares
 * the two expositions).
 */
export class LabelledHistogram {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly all: HistogramSeries[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    if (buckets.some((bound, index) => index > 0 && bound <= buckets[index - 1]!)) throw new RangeError('buckets must increase');
    registry.registerMetric(this as never);
  }

  /** A new series with these labels (the caller keeps it and never asks for the same labels twice). */
  series(labels: LabelValues): HistogramSeries {
    const series: HistogramSeries = { labels, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
    this.all.push(series);
    return series;
  }

  observe(series: HistogramSeries, value: number): void {
    const buckets = this.buckets;
    let index = 0;
    while (index < buckets.length && value > buckets[index]!) index += 1;
    series.counts[index]! += 1;
    series.sum += value;
    series.count += 1;
  }

  /** What prom-client's registry renders (and what its Histogram.get() would answer). */
  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: MetricValueWithName<string>[] }> {
    const values: MetricValueWithName<string>[] = [];
    for (const series of this.all) {
      let cumulative = 0;
      this.buckets.forEach((bound, index) => {
        cumulative += series.counts[index]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...series.labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...series.labels }, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    for (const series of this.all) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
