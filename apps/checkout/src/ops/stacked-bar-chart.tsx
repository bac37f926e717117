import { useId } from 'react';

export interface ChartSeries<K extends string> {
  key: K;
  label: string;
  colour: string;
}

interface Props<K extends string> {
  title: string;
  /** One label per bar (hours, days). */
  labels: string[];
  series: ReadonlyArray<ChartSeries<K>>;
  /** One entry per label: the value of each series. */
  values: ReadonlyArray<Partial<Record<K, number>>>;
  /** What a bar's total counts ("events", "payments"): used in the summary. */
  unit: string;
}

/** The drawing's own units; the SVG scales to the figure's width (it scrolls sideways below 36rem). */
const WIDTH = 960;
const HEIGHT = 150;
const LEFT = 32;
const BOTTOM = 20;

/**
 * Stacked bars in plain SVG (no chart library). For people who do not look at it: the SVG is one image
 * with a title and a one-sentence summary, and the figure holds a visually hidden table with every number.
 */
export function StackedBarChart<K extends string>({ title, labels, series, values, unit }: Props<K>) {
  const id = useId();
  const totals = values.map((v) => series.reduce((sum, s) => sum + (v[s.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const sum = totals.reduce((a, b) => a + b, 0);
  const peak = totals.indexOf(Math.max(...totals, 0));
  const summary =
    sum === 0
      ? `No ${unit} from ${labels[0] ?? '—'} to ${labels.at(-1) ?? '—'}.`
      : `${sum} ${unit} from ${labels[0]} to ${labels.at(-1)}; the most, ${totals[peak]}, at ${labels[peak]}.`;
  const width = WIDTH;
  const step = (WIDTH - LEFT) / Math.max(1, labels.length);
  const bar = Math.max(2, step * 0.7);
  const plot = HEIGHT - BOTTOM;
  const every = Math.max(1, Math.ceil(labels.length / 8));
  const shown = series.filter((s) => values.some((v) => (v[s.key] ?? 0) > 0));

  return (
    <figure className="chart">
      <figcaption className="chart-title">{title}</figcaption>
      <div className="chart-scroll" tabIndex={0} role="group" aria-label={`${title} (chart)`}>
        <svg
          className="chart-plot"
          viewBox={`0 0 ${width} ${HEIGHT}`}
          role="img"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-desc`}
          preserveAspectRatio="xMinYMid meet"
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{summary}</desc>
          <line x1={LEFT} x2={width} y1={plot} y2={plot} className="chart-axis" />
          <line x1={LEFT} x2={width} y1={4} y2={4} className="chart-grid" />
          <text x={LEFT - 4} y={8} textAnchor="end" className="chart-tick">
            {max}
          </text>
          <text x={LEFT - 4} y={plot} textAnchor="end" className="chart-tick">
            0
          </text>
          {values.map((v, i) => {
            const x = LEFT + i * step + (step - bar) / 2;
            let y = plot;
            return (
              <g key={labels[i] ?? i}>
                {series.map((s) => {
                  const n = v[s.key] ?? 0;
                  if (!n) return null;
                  const h = (n / max) * (plot - 4);
                  y -= h;
                  return <rect key={s.key} x={x} y={y} width={bar} height={h} fill={s.colour} />;
                })}
                {i % every === 0 && (
                  <text x={x + bar / 2} y={HEIGHT - 6} textAnchor="middle" className="chart-tick">
                    {labels[i]}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      {shown.length > 0 && (
        <ul className="chart-legend" aria-hidden="true">
          {shown.map((s) => (
            <li key={s.key}>
              <svg className="swatch" viewBox="0 0 10 10" aria-hidden="true">
                <rect width="10" height="10" fill={s.colour} />
              </svg>
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {values.map((v, i) => (
            <tr key={labels[i] ?? i}>
              <th scope="row">{labels[i]}</th>
              {series.map((s) => (
                <td key={s.key}>{v[s.key] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
