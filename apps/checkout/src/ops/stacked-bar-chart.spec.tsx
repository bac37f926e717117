import { render, screen, within } from '@testing-library/react';
import { StackedBarChart } from './stacked-bar-chart';

const series = [
  { key: 'done', label: 'Done', colour: '#1a7f37' },
  { key: 'dead', label: 'Dead letter', colour: '#cf222e' },
] as const;

describe('stacked bar chart', () => {
  it('is one image with a title and a summary, plus a hidden table of every number', () => {
    const { container } = render(
      <StackedBarChart
        title="Events per hour"
        unit="events"
        labels={['09:00', '10:00', '11:00']}
        series={series}
        values={[{ done: 2 }, { done: 3, dead: 1 }, {}]}
      />,
    );
    const img = screen.getByRole('img', { name: 'Events per hour' });
    expect(img).toHaveAccessibleDescription('6 events from 09:00 to 11:00; the most, 4, at 10:00.');
    const table = screen.getByRole('table', { name: 'Events per hour' });
    expect(table).toHaveClass('visually-hidden');
    expect(
      within(table)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual(['WhenDoneDead letter', '09:0020', '10:0031', '11:0000']);
    // One rectangle per non-zero value; the tallest bar fills the plot.
    expect(container.querySelectorAll('svg[role="img"] rect')).toHaveLength(3);
  });

  it('says when there is nothing to show', () => {
    render(<StackedBarChart title="Sales" unit="sales" labels={['11-30']} series={series} values={[{}]} />);
    expect(screen.getByRole('img', { name: 'Sales' })).toHaveAccessibleDescription(
      'No sales from 11-30 to 11-30.',
    );
  });
});
