"""Write a PyTorch model (nn.RNN / nn.LSTM / nn.GRU as .rnn + nn.Linear as .decoder) in the
RNN Lens checkpoint format, so `rnn-lens info/eval/sample` and the extension can open it."""
import json, os, struct
from torch import nn


def save_rnn_lens(path, model, vocab):
    rnn, decoder = model.rnn, model.decoder
    cell = {nn.RNN: 'rnn', nn.LSTM: 'lstm', nn.GRU: 'gru'}[type(rnn)]
    assert cell != 'rnn' or rnn.nonlinearity == 'tanh', 'RNN Lens runs tanh RNNs only'
    assert rnn.bias and not rnn.bidirectional and getattr(rnn, 'proj_size', 0) == 0, 'plain stacked cells only'
    assert list(vocab) == sorted(set(vocab)) and all(len(ch) == 1 for ch in vocab), \
        'vocab: distinct single code points, sorted (sorted(set(text)))'
    assert rnn.input_size == len(vocab) == decoder.out_features and decoder.in_features == rnn.hidden_size
    meta = {'format': 'rnn-lens/1', 'cell': cell, 'hidden': rnn.hidden_size,
            'layers': rnn.num_layers, 'vocab': list(vocab)}
    if cell == 'gru':
        meta['gruResetAfter'] = True  # nn.GRU is the reset-after form
    header, blobs, offset = {}, [], 0
    for prefix, module in (('rnn.', rnn), ('decoder.', decoder)):
        for name, t in module.state_dict().items():
            values = t.detach().float().flatten().tolist()
            blob = struct.pack(f'<{len(values)}f', *values)  # little-endian float32, exact
            header[prefix + name] = {'dtype': 'F32', 'shape': list(t.shape),
                                     'data_offsets': [offset, offset + len(blob)]}
            blobs.append(blob)
            offset += len(blob)
    header['__metadata__'] = {'rnn_lens': json.dumps(meta, ensure_ascii=False)}
    text = json.dumps(header, ensure_ascii=False).encode('utf-8')
    text += b' ' * (-len(text) % 8)  # pad the header so the data starts 8-byte aligned
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:  # temp file then rename: never a half-written checkpoint
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))
    os.replace(tmp, path)
