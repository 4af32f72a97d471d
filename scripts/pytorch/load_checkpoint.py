"""Load an RNN Lens checkpoint (.safetensors) into PyTorch and measure its loss on a text.

    python3 load_checkpoint.py model.safetensors text.txt
"""
import json, struct, sys
import torch
from torch import nn
import torch.nn.functional as F


def read_safetensors(path, keep=lambda name: True):
    """The safetensors format by hand: u64 header length, JSON header, raw little-endian data."""
    assert sys.byteorder == 'little', 'torch.frombuffer reads native byte order'
    data = open(path, 'rb').read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop('__metadata__', {})
    tensors = {}
    for name, info in header.items():
        if not keep(name):
            continue  # e.g. the optim.* / state.* resume tensors of a training checkpoint
        assert info['dtype'] == 'F32', f'{name}: expected F32, got {info["dtype"]}'
        start, end = info['data_offsets']
        raw = bytearray(data[8 + n + start:8 + n + end])
        tensors[name] = torch.frombuffer(raw, dtype=torch.float32).reshape(info['shape'])
    return tensors, meta


class CharRNN(nn.Module):
    """One-hot characters -> nn.RNN / nn.LSTM / nn.GRU -> nn.Linear: RNN Lens's model, same names."""

    def __init__(self, cell, vocab_size, hidden, layers):
        super().__init__()
        if cell == 'rnn':
            self.rnn = nn.RNN(vocab_size, hidden, layers, nonlinearity='tanh', batch_first=True)
        else:
            self.rnn = {'lstm': nn.LSTM, 'gru': nn.GRU}[cell](vocab_size, hidden, layers, batch_first=True)
        self.decoder = nn.Linear(hidden, vocab_size)

    def forward(self, x, state=None):  # x: [B, T, V] one-hot
        out, state = self.rnn(x, state)
        return self.decoder(out), state  # logits [B, T, V]


def load_rnn_lens(path):
    tensors, meta = read_safetensors(path, keep=lambda name: name.startswith(('rnn.', 'decoder.')))
    cfg = json.loads(meta['rnn_lens'])
    if cfg['cell'] == 'gru' and not cfg.get('gruResetAfter', True):
        raise SystemExit(f'{path}: a Cho-form GRU (gruResetAfter=false) has no nn.GRU equivalent; '
                         'nn.GRU applies r after W_hn h (reset-after). Retrain with gruResetAfter on.')
    model = CharRNN(cfg['cell'], len(cfg['vocab']), cfg['hidden'], cfg['layers'])
    model.load_state_dict(tensors)  # strict: every rnn.* and decoder.* tensor, nothing else
    return model, cfg['vocab'], cfg


def one_hot(text, vocab):
    index = {ch: i for i, ch in enumerate(vocab)}  # a Python str iterates code points, like RNN Lens
    unknown = sorted(set(text) - set(index))
    if unknown:
        raise SystemExit(f'characters not in the vocabulary: {unknown[:10]}')
    ids = torch.tensor([index[ch] for ch in text])
    return F.one_hot(ids, len(vocab)).float(), ids


if __name__ == '__main__':
    model, vocab, cfg = load_rnn_lens(sys.argv[1])
    x, ids = one_hot(open(sys.argv[2], encoding='utf-8').read(), vocab)
    with torch.no_grad():
        logits, _ = model(x[None, :-1])  # inputs text[0..T-1], zero initial state
    loss = F.cross_entropy(logits[0], ids[1:])  # targets text[1..T], mean nats
    print(f'{cfg["cell"]} H={cfg["hidden"]} L={cfg["layers"]} V={len(vocab)} loss={loss.item():.6f}')
