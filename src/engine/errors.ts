/**
 * The input errors a user of the extension meets, named, so that the extension can say them in
 * the display language (src/extension/engineErrors.ts) without the engine knowing any language
 * but English. `args` are the message's numbers and names.
 */
export const INPUT_ERROR_CODES = [
  'fileEmpty', 'fileUtf16', 'fileBinary', 'fileBadUtf8',
  'textEmpty', 'textFewChars', 'textManyChars', 'textTooShort', 'textUnknownChars', 'primeUnknownChars',
  'initDiffers', 'resumeWeightsOnly', 'resumeOtherText', 'notCheckpoint', 'checkpointInvalid', 'tensorNotF32',
  'featureSyntax', 'featureNoName', 'featureNoPattern', 'featureBuiltin', 'featureBadRegex', 'featureTwice', 'featureUnknown',
  'holdSyntax', 'holdValue', 'trainingDiverged', 'heldOutUnknownChars', 'analysisStale',
] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

export type ErrorArgs = Readonly<Record<string, string | number>>;

/**
 * The one kind of error the engine throws on purpose: the input (a file, a setting, a checkpoint)
 * is unusable. Its message is a single line a user can act on, in English (the CLI shows it as
 * is, without a stack trace); a `code` lets the extension translate it. Any other exception is a bug.
 */
export class InputError extends Error {
  constructor(message: string, readonly code?: InputErrorCode, readonly args: ErrorArgs = {}) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * A long computation (a training step, a validation pass, a trace) was abandoned because its
 * caller's interrupt check said so (a pause is waiting). It left no trace: the weights, the stream
 * positions and the carried state are as they were, so the same call later gives the same result.
 */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/** Asked between the phases of a long computation: true to abandon it (it then throws Interrupted). */
export type InterruptCheck = () => boolean;

export function checkInterrupt(interrupt: InterruptCheck | null | undefined): void {
  if (interrupt?.()) throw new Interrupted();
}
