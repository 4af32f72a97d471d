/**
 * The three cells behind one table, so the passes that run any of them (bptt.ts, the step
 * Jacobians, the itemized backward) look a cell up instead of branching on its name.
 */

import { type CellType } from '../model/config';
import { type FloatArray } from '../kernels/kernels';
import { type Network } from '../model/network';
import { type LayerBuffers, type Workspace } from '../model/workspace';
import { GRU_LOCAL, gruBackward, gruForward, gruLocalDerivatives } from './gruCell';
import { LSTM_LOCAL, lstmBackward, lstmForward, lstmLocalDerivatives } from './lstmCell';
import { RNN_LOCAL, rnnBackward, rnnForward, rnnLocalDerivatives } from './rnnCell';

export interface Cell {
  /** The recurrence of one layer over the window (its input projection already in lb.xg). */
  forward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number): void;
  /** Back through the recurrence; adds W_hh's and b_hh's gradients into grads unless null. */
  backward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number, grads: FloatArray | null): void;
  /** Stream b's local derivatives at step t: `blocks` blocks of H (see the cell's *_LOCAL). */
  localDerivatives(net: Network, lb: LayerBuffers, B: number, t: number, b: number, out: FloatArray, at: number): void;
  readonly blocks: number;
}

export const CELLS: Readonly<Record<CellType, Cell>> = {
  rnn: { forward: rnnForward, backward: rnnBackward, localDerivatives: rnnLocalDerivatives, blocks: RNN_LOCAL.blocks },
  lstm: { forward: lstmForward, backward: lstmBackward, localDerivatives: lstmLocalDerivatives, blocks: LSTM_LOCAL.blocks },
  gru: { forward: gruForward, backward: gruBackward, localDerivatives: gruLocalDerivatives, blocks: GRU_LOCAL.blocks },
};
