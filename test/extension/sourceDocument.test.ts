import { strict as assert } from 'node:assert';
import type * as vscodeTypes from 'vscode';
import { SourceDocument } from '../../src/extension/sourceDocument';
import { fake, FakeTextDocument, Uri } from './fakeVscode';

describe('extension: SourceDocument (the snapshot and the editors showing its file)', () => {
  const uri = Uri.file('/work/notes.md');
  const snapshot = 'h😀llo\n한글 RNN';
  let source: SourceDocument;

  beforeEach(() => {
    fake.reset();
    source = new SourceDocument({ uri: uri as unknown as vscodeTypes.Uri, fileName: 'notes.md', text: snapshot });
  });
  afterEach(() => source.dispose());

  it('finds the visible editors of the file while their text still starts with the snapshot', () => {
    assert.deepEqual(source.matchingEditors(), [], 'no editor open');
    fake.openEditor(new FakeTextDocument(Uri.file('/work/other.md'), snapshot));
    assert.deepEqual(source.matchingEditors(), [], 'another file with the same text is not ours');
    const editor = fake.openEditor(new FakeTextDocument(uri, `${snapshot} and a tail cut off at the size limit`));
    assert.deepEqual(source.matchingEditors(), [editor], 'a longer file trained on its first part still lines up');
  });

  it('stops matching after an edit that changes the snapshot part, and matches again once it is undone', () => {
    const doc = new FakeTextDocument(uri, snapshot);
    const editor = fake.openEditor(doc);
    assert.equal(source.matchingEditors().length, 1);
    doc.edit(`X${snapshot}`);
    assert.deepEqual(source.matchingEditors(), [], 'positions would point at the wrong characters');
    doc.edit(snapshot);
    assert.deepEqual(source.matchingEditors(), [editor]);
  });

  it('edits after dispose are no longer watched (the last answer stays)', () => {
    const doc = new FakeTextDocument(uri, snapshot);
    fake.openEditor(doc);
    assert.equal(source.matchingEditors().length, 1);
    source.dispose();
    doc.edit('changed');
    assert.equal(source.matchingEditors().length, 1, 'a disposed SourceDocument no longer listens');
  });

  it('turns code point positions into editor ranges (an emoji is one character, two UTF-16 units)', () => {
    const doc = new FakeTextDocument(uri, snapshot);
    const emoji = source.range(doc as unknown as vscodeTypes.TextDocument, 1);
    assert.deepEqual([emoji.start.line, emoji.start.character, emoji.end.line, emoji.end.character], [0, 1, 0, 3]);
    const hangul = source.range(doc as unknown as vscodeTypes.TextDocument, 6, 2);
    assert.deepEqual([hangul.start.line, hangul.start.character, hangul.end.line, hangul.end.character], [1, 0, 1, 2]);
  });
});
