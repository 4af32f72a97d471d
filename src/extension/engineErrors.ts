/**
 * The engine's and the workers' error messages in the display language. The engine speaks
 * English only (the CLI shows its messages as they are); the errors a user of the extension meets
 * carry a code and their numbers (InputErrorCode, RequestFailedError), and here, at the boundary,
 * each code becomes its vscode.l10n.t message. An error without a known code keeps its English.
 */

import * as vscode from 'vscode';
import { type ErrorArgs } from '../engine/errors';

/** The message for `code` with `args`, in the display language; null for a code this host does not know. */
export function codeText(code: string | undefined, args: ErrorArgs = {}): string | null {
  switch (code) {
    case 'fileEmpty': return vscode.l10n.t('The file is empty: there is no text to train on.');
    case 'fileUtf16': return vscode.l10n.t('The file is UTF-16 ({order} byte-order mark), not UTF-8; save it as UTF-8 and try again.', args);
    case 'fileBinary': return vscode.l10n.t('The file looks binary (NUL byte at offset {offset}); choose a plain text file.', args);
    case 'fileBadUtf8': return vscode.l10n.t('The file is not valid UTF-8 (bad byte {byte} at offset {offset}); save it as UTF-8 and try again.', args);
    case 'textEmpty': return vscode.l10n.t('The text is empty: there is nothing to train on.');
    case 'textFewChars': return vscode.l10n.t('The text has fewer than 2 distinct characters, so there is nothing to predict; use a longer or more varied text.');
    case 'textManyChars': return vscode.l10n.t('The text has {vocab} distinct characters, more than the {max} a model can have; is it a text file?', args);
    case 'textTooShort': return vscode.l10n.t('The text is too short: {length} characters, but batch {batch} × (seqLen {seqLen} + 1) with valFraction {valFraction} needs at least {total}; lower batch or seqLen, or use a longer text.', args);
    case 'textUnknownChars': return Number(args.more) > 0
      ? vscode.l10n.t('The text has {count} characters the model does not know: {shown} and {more} more.', args)
      : vscode.l10n.t('The text has {count} characters the model does not know: {shown}.', args);
    case 'primeUnknownChars': return vscode.l10n.t('The prime text has characters the model does not know: {shown}.', args);
    case 'initDiffers': return vscode.l10n.t('The starting checkpoint\'s {what} differ from the settings; make them match or start from scratch.', args);
    case 'resumeWeightsOnly': return vscode.l10n.t('This checkpoint holds weights only, no training state to resume; start a new run from it instead.');
    case 'resumeOtherText': return vscode.l10n.t('This checkpoint was trained on a different text ({was} characters, this one has {now} or differs); resume with the original file or start a new run.', args);
    case 'notCheckpoint': return vscode.l10n.t('not an RNN Lens checkpoint: the safetensors metadata has no "{key}" entry', args);
    case 'checkpointInvalid': return vscode.l10n.t('The file is damaged or is not an RNN Lens model this version can read ({detail}).', args);
    case 'tensorNotF32': return vscode.l10n.t('Tensor {name} is {dtype}; only F32 (float32) tensors can be read (in PyTorch: model.float() before saving).', args);
    case 'featureSyntax': return vscode.l10n.t('{spec} is not a feature; write NAME=REGEX, e.g. digits=[0-9]+', args);
    case 'featureNoName': return vscode.l10n.t('{spec}: the feature needs a name before =', args);
    case 'featureNoPattern': return vscode.l10n.t('{spec}: the feature needs a regular expression after =', args);
    case 'featureBuiltin': return vscode.l10n.t('{name} is a built-in feature; give yours another name', args);
    case 'featureBadRegex': return vscode.l10n.t('Feature {name}: the regular expression is not valid ({detail})', args);
    case 'featureTwice': return vscode.l10n.t('Two features are called {name}; give each its own name', args);
    case 'featureUnknown': return vscode.l10n.t('Unknown feature {name}; the built-in ones are {builtins}', args);
    case 'holdSyntax': return vscode.l10n.t('{spec} is not a unit to hold; write {syntax}, e.g. 0:12, c:1:5 or h:0:3=0.5', args);
    case 'holdValue': return vscode.l10n.t('{spec}: the value after = must be a finite number', args);
    case 'trainingDiverged': return vscode.l10n.t('Training diverged at step {step} ({count} non-finite steps in a row); lower the learning rate.', args);
    case 'heldOutUnknownChars': return vscode.l10n.t('The held-out text has characters the training text lacks.');
    case 'analysisStale': return args.what === 'weights'
      ? vscode.l10n.t('The weights of this analysis are no longer current; run it again.')
      : vscode.l10n.t('The text of this analysis is no longer current; run it again.');
    case 'workerOutOfMemory': return vscode.l10n.t('The training worker ran out of memory (limit {limit} MB); try a smaller hiddenSize, layers, batchSize or seqLength.', args);
    case 'workerCrashed': return vscode.l10n.t('The training worker crashed: {detail}', args);
    case 'workerExited': return vscode.l10n.t('The training worker exited unexpectedly (code {code}).', args);
    case 'analysisCrashed': return vscode.l10n.t('The analysis worker crashed: {detail}', args);
    case 'analysisExited': return vscode.l10n.t('The analysis worker exited (code {code}).', args);
    case 'noAnswer': return vscode.l10n.t('No answer from the training worker within {seconds} s.', args);
    default: return null;
  }
}

/** An error's one-line message for the user: its code's translation when it has one, else its English. */
export function errorText(error: { readonly message: string; readonly code?: string; readonly args?: ErrorArgs }): string {
  return codeText(error.code, error.args) ?? error.message.split('\n')[0];
}

/** A worker's error message (src/protocol/worker.ts) for the user. */
export function workerErrorText(message: { readonly message: string; readonly code?: string; readonly args?: ErrorArgs }): string {
  return errorText(message);
}

/** Why training stopped at a non-finite loss or gradient (`tensor`: 'loss' or the first tensor that went non-finite). */
export function nonFiniteText(step: number, tensor: string): string {
  return tensor === 'loss'
    ? vscode.l10n.t('Training stopped at step {0}: the loss became non-finite (NaN or infinity). The last good weights are kept; try a lower learningRate or set clipNorm.', step)
    : vscode.l10n.t('Training stopped at step {0}: the gradient of {1} became non-finite (NaN or infinity). The last good weights are kept; try a lower learningRate or set clipNorm.', step, tensor);
}
