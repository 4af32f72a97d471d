/** Text more than one view shows (charts, characters spoken to screen readers, number words) in English. */
export const SHARED_EN = {
  'chart.noData': 'No data yet',
  'colorBar.aria': 'Colour scale: {0}, from {1} to {2}',
  'colorBar.aria.mid': 'Colour scale: {0}, from {1} through {2} to {3}',
  'char.space': 'space',
  'char.newline': 'newline',
  'char.tab': 'tab',
  'char.return': 'carriage return',
  'char.control': 'control {0}',
} as const;
