"""Train a new model in PyTorch and save it for RNN Lens.

    python3 train_from_scratch.py text.txt out.safetensors [lstm|gru|rnn] [hidden] [steps]
"""
import sys
import torch
from load_checkpoint import CharRNN, one_hot
from continue_training import train
from save_checkpoint import save_rnn_lens

text_path, out = sys.argv[1:3]
cell = sys.argv[3] if len(sys.argv) > 3 else 'lstm'
hidden = int(sys.argv[4]) if len(sys.argv) > 4 else 128
steps = int(sys.argv[5]) if len(sys.argv) > 5 else 500
text = open(text_path, encoding='utf-8').read()
torch.manual_seed(1)  # reproducible initial weights
vocab = sorted(set(text))  # RNN Lens's vocabulary: the distinct code points, sorted
model = CharRNN(cell, len(vocab), hidden, layers=1)
x, ids = one_hot(text, vocab)
train(model, x, ids, steps)
save_rnn_lens(out, model, vocab)
print(f'wrote {out}: {cell} H={hidden} V={len(vocab)}')
