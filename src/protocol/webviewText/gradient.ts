/** The Gradient Flow view's text in English, its diagnosis sentences included. */
export const GRADIENT_EN = {
  'gradient.diagnosis.heading': 'Diagnosis',
  'gradient.norms.heading': '‖dL/dh_t‖ per timestep (log scale)',
  'gradient.matrix.heading': 'Itemized BPTT: ‖d(L_t/T)/dh_k‖',
  'gradient.jacobian.heading': 'Step Jacobians ‖dh_t/dh_{t-1}‖',
  'gradient.training.heading': 'Over training',
} as const;
