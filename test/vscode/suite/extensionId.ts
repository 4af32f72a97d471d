/** The extension's id as VS Code knows it: publisher.name from package.json. */
export const EXTENSION_ID = 'rnn-lens.rnn-lens';
