/**
 * Every command the extension contributes, id -> handler. The manifest test checks this list
 * against package.json, so a command cannot be declared without being registered or vice versa.
 * Handlers check their own arguments (a command can be run from anywhere, with anything).
 */

import * as vscode from 'vscode';
import { type RnnLensController } from './controller';

export const COMMANDS = {
  'rnnLens.train': (c, arg) => c.train(arg),
  'rnnLens.pause': (c) => c.pause(),
  'rnnLens.resume': (c) => c.resume(),
  'rnnLens.stop': (c) => c.stop(),
  'rnnLens.trainOneStep': (c) => c.trainOneStep(),
  'rnnLens.nextTimestep': (c) => c.moveCursor('next'),
  'rnnLens.previousTimestep': (c) => c.moveCursor('previous'),
  'rnnLens.firstTimestep': (c) => c.moveCursor('first'),
  'rnnLens.lastTimestep': (c) => c.moveCursor('last'),
  'rnnLens.goToTimestep': (c, arg) => c.goToTimestep(arg),
  'rnnLens.toggleBackward': (c) => c.moveCursor('toggle'),
  'rnnLens.showPanel': (c) => c.showPanel(),
  'rnnLens.showGradientFlow': (c) => c.showGradientFlow(),
  'rnnLens.sampleText': (c) => c.sampleText(),
  'rnnLens.saveModel': (c, arg) => c.saveModel(arg),
  'rnnLens.loadModel': (c, arg) => c.loadModel(arg),
  'rnnLens.colorTextByNeuron': (c, arg) => c.colorTextByNeuron(arg),
  'rnnLens.clearNeuronColors': (c) => c.clearNeuronColors(),
  'rnnLens.runGradientCheck': (c) => c.runGradientCheck(),
  'rnnLens.whatIf': (c, arg) => c.whatIf(arg),
  'rnnLens.whyPrediction': (c, arg) => c.whyPrediction(arg),
  'rnnLens.findUnits': (c) => c.findUnits(),
  'rnnLens.ablateUnit': (c, arg) => c.ablateUnit(arg),
  'rnnLens.holdUnitAt': (c, arg) => c.holdUnitAt(arg),
  'rnnLens.sampleWithUnitHeld': (c, arg) => c.sampleWithUnitHeld(arg),
  'rnnLens.runExperiment': (c) => c.runExperiment(),
  // Last: it starts a session, which the tests that run every command in turn would otherwise meet early.
  'rnnLens.trainExample': (c, arg) => c.trainExample(arg),
} satisfies Record<string, (controller: RnnLensController, arg?: unknown) => unknown>;

export type CommandId = keyof typeof COMMANDS;
export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

/** Registers every command; a failing handler shows its message instead of throwing into VS Code. */
export function registerCommands(controller: RnnLensController): vscode.Disposable[] {
  return COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, async (arg?: unknown) => {
    try {
      await (COMMANDS[id] as (c: RnnLensController, a?: unknown) => unknown)(controller, arg);
    } catch (error) {
      controller.report(error);
    }
  }));
}
