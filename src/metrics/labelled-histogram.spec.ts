import { Histogram, Registry } from 'prom-client';
import { LabelledHistogram } from './labelled-histogram.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED: [labels: Record<string, string | number>, value: number][] = [
  [{ method: 'GET', route: '/a', status_code: 200 }, 0.0004],
  [{ method: 'GET', route: '/a', status_code: 200 }, 0.001],
  [{ method: 'GET', route: '/a', status_code: 200 }, 0.05],
  [{ method: 'GET', route: '/a', status_code: 200 }, 7],
  [{ method: 'POST', route: '/b "quoted"\\', status_code: 404 }, 0.2],
];

describe(LabelledHistogram.name, () => {
  it('exposes exactly what a prom-client Histogram with the same buckets and observations exposes', async () => {
    const reference = new Registry();
    const histogram = new Histogram({ name: 'h_seconds', help: 'help', labelNames: ['method', 'route', 'status_code'], buckets: BUCKETS });
    reference.registerMetric(histogram);
    const ours = new Registry();
    const labelled = new LabelledHistogram('h_seconds', 'help', BUCKETS, ours);
    const series = new Map<string, ReturnType<LabelledHistogram['series']>>();
    for (const [labels, value] of OBSERVED) {
      histogram.observe(labels, value);
      const key = JSON.stringify(labels);
      if (!series.has(key)) series.set(key, labelled.series(labels));
      labelled.observe(series.get(key)!, value);
    }
    expect(await ours.metrics()).toBe(await reference.metrics());
  });

  it('counts a value equal to a bound in that bound’s bucket, and one above every bound only in +Inf', async () => {
    const registry = new Registry();
    const labelled = new LabelledHistogram('h_seconds', 'help', BUCKETS, registry);
    const series = labelled.series({ route: '/a' });
    labelled.observe(series, 0.01);
    labelled.observe(series, 2);
    const text = await registry.metrics();
    expect(text).toContain('h_seconds_bucket{le="0.001",route="/a"} 0');
    expect(text).toContain('h_seconds_bucket{le="0.01",route="/a"} 1');
    expect(text).toContain('h_seconds_bucket{le="1",route="/a"} 1');
    expect(text).toContain('h_seconds_bucket{le="+Inf",route="/a"} 2');
    expect(text).toContain('h_seconds_count{route="/a"} 2');
    labelled.reset();
    expect(await registry.metrics()).toContain('h_seconds_count{route="/a"} 0');
  });
});
