/** The training panel's text in English (src/protocol/strings.ts says how it is translated). */
export const PANEL_EN = {
  'panel.graph.heading': 'Unrolled computation graph',
  'panel.cell.heading': 'Cell at the cursor',
  'panel.heatmap.heading': 'Activations: units × timesteps',
  'panel.predictions.heading': 'Predictions',
  'panel.loss.heading': 'Loss',
  'panel.samples.heading': 'Samples over training',
  'panel.saturation.heading': 'Gate saturation over training',
} as const;
