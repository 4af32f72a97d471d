"""The lag experiment's cross-check in PyTorch: the same task, settings and batching as
scripts/experiments/lag.mjs (hidden 32, seq-len 64, batch 32, Adam lr 0.01, clip-norm 5, the first
90% of the text, 3,000 steps; the training loop of scripts/pytorch/continue_training.py), with
PyTorch's own initial weights from torch.manual_seed(seed). Saves each model as an RNN Lens
checkpoint, so `rnn-lens eval --per-char` measures the recall loss exactly as for the engine's.

    /usr/bin/python3 scripts/experiments/lag_pytorch.py DIR CELL SEED [SEED ...]
    /usr/bin/python3 scripts/experiments/lag_pytorch.py DIR --check CKPT

DIR is lag.mjs's folder (it reads DIR/lag-train.txt, writes DIR/torch-CELL-seedS.safetensors).
--check loads any RNN Lens checkpoint into PyTorch and prints its recall loss (the mean loss of
the character after each ?) and mean loss on DIR/lag-heldout.txt, computed by PyTorch: a check of
RNN Lens's own forward pass and `eval --per-char` on exactly the figures the experiment reports.
"""
import os, sys
import torch
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'pytorch'))
from load_checkpoint import CharRNN, one_hot  # noqa: E402
from continue_training import train  # noqa: E402
from save_checkpoint import save_rnn_lens  # noqa: E402
from load_checkpoint import load_rnn_lens  # noqa: E402

if len(sys.argv) == 4 and sys.argv[2] == '--check':
    model, vocab, _ = load_rnn_lens(sys.argv[3])
    text = open(os.path.join(sys.argv[1], 'lag-heldout.txt'), encoding='utf-8').read()
    x, ids = one_hot(text, vocab)
    with torch.no_grad():
        logits, _ = model(x[None, :-1])
    losses = torch.nn.functional.cross_entropy(logits[0], ids[1:], reduction='none')
    recall = [i for i, ch in enumerate(text[:-1]) if ch == '?']
    print(f'{sys.argv[3]}: recall loss {losses[recall].mean().item():.4f}, mean loss {losses.mean().item():.4f} (PyTorch)')
    sys.exit(0)

folder, cell, seeds = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
torch.set_num_threads(1)
text = open(os.path.join(folder, 'lag-train.txt'), encoding='utf-8').read()
vocab = sorted(set(text))
train_text = text[:len(text) - int(len(text) * 0.1)]  # val-fraction 0.1 (RNN Lens rounds the held-out part down too)
x, ids = one_hot(train_text, vocab)
for seed in seeds:
    torch.manual_seed(seed)
    model = CharRNN(cell, len(vocab), 32, layers=1)
    losses = train(model, x, ids, 3000, batch=32, seq_len=64, lr=0.01, clip_norm=5.0, log=lambda s: None)
    out = os.path.join(folder, f'torch-{cell}-seed{seed}.safetensors')
    save_rnn_lens(out, model, vocab)
    print(f'{out}: last training loss {losses[-1]:.4f}', flush=True)
