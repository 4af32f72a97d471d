"""Check the PyTorch snippets against the golden files: load each checkpoint, compare loss,
logits, gradients and final state with the JSON; export it again and compare bytes; replay the
Adam training golden with the continue_training loop. Exit status 1 on any mismatch.

    python3 check_golden.py [GOLDEN_DIR] [--out DIR]   # --out: files for the RNN Lens CLI check
"""
import glob, json, os, struct, sys
import torch
import torch.nn.functional as F
from load_checkpoint import CharRNN, load_rnn_lens, one_hot, read_safetensors
from save_checkpoint import save_rnn_lens
from continue_training import train

args = sys.argv[1:]
out_dir = args.pop(args.index('--out') + 1) if '--out' in args else None
args = [a for a in args if a != '--out']
golden = args[0] if args else '/work/shared/golden'
failures, manifest = [], []


def tensor(t):
    return torch.tensor(t['data'], dtype=torch.float32).reshape(t['shape'])


def check(label, ok, detail):
    print(f'  {"ok  " if ok else "FAIL"} {label}: {detail}')
    if not ok:
        failures.append(label)


def rel_diff(a, b):
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-12)).item()


def torch_loss(model, x, ids):
    with torch.no_grad():
        logits, _ = model(x[None, :-1])
    return F.cross_entropy(logits[0], ids[1:]).item()


for path in sorted(glob.glob(os.path.join(golden, '*.safetensors'))):
    name = os.path.basename(path)[:-len('.safetensors')]
    case = json.load(open(os.path.join(golden, name + '.json'), encoding='utf-8'))
    print(name)
    try:
        model, vocab, cfg = load_rnn_lens(path)
    except SystemExit as refusal:
        check('refused Cho GRU', not case['config'].get('gruResetAfter', True), str(refusal))
        continue
    for key, t in case['weights'].items():
        if not torch.equal(model.state_dict()[key], tensor(t)):
            check(f'{name} {key} equals the JSON', False, 'differs')
    x, ids = one_hot(case['text'], vocab)
    model.zero_grad()
    logits, state = model(x[None, :-1])
    loss = F.cross_entropy(logits[0], ids[1:])
    loss.backward()
    exp = case['expected']
    check(f'{name} loss', abs(loss.item() - exp['loss']) <= 1e-5 * max(1.0, exp['loss']),
          f'torch {loss.item():.8f}  golden {exp["loss"]:.8f}  diff {abs(loss.item() - exp["loss"]):.1e}')
    check(f'{name} logits', rel_diff(logits[0].detach(), tensor(exp['logits'])) <= 1e-5,
          f'max rel diff {rel_diff(logits[0].detach(), tensor(exp["logits"])):.1e}')
    params = dict(model.named_parameters())
    worst = max(rel_diff(params[k].grad, tensor(g)) for k, g in exp['grads'].items())
    check(f'{name} grads', worst <= 1e-4, f'max rel diff {worst:.1e} over {len(exp["grads"])} tensors')
    h = state[0] if isinstance(state, tuple) else state
    hT = torch.stack([tensor(t) for t in exp['hT']])
    check(f'{name} hT', rel_diff(h[:, 0].detach(), hT) <= 1e-5, f'max rel diff {rel_diff(h[:, 0].detach(), hT):.1e}')

    exported = os.path.join(out_dir or '/tmp', f'{name}.exported.safetensors')
    save_rnn_lens(exported, model, vocab)
    same = open(exported, 'rb').read() == open(path, 'rb').read()
    back, meta = read_safetensors(exported)
    equal = all(torch.equal(back[k], v) for k, v in model.state_dict().items()) and len(back) == len(params)
    check(f'{name} export', same and equal and json.loads(meta['rnn_lens']) == cfg,
          'byte-identical to the golden file, tensors and metadata equal' if same else 'bytes differ')
    if out_dir:
        text_path = os.path.join(out_dir, f'{name}.txt')
        open(text_path, 'w', encoding='utf-8').write(case['text'])
        manifest.append({'name': name, 'checkpoint': exported, 'text': text_path, 'torchLoss': loss.item()})
    else:
        os.remove(exported)

# A checkpoint written by training also holds resume tensors (optim.*, state.*) and metadata
# (rnn_lens_resume): load_rnn_lens must skip them. Append two to rnn-hello and load it.
print('resume tensors')
raw = open(os.path.join(golden, 'rnn-hello.safetensors'), 'rb').read()
n = int.from_bytes(raw[:8], 'little')
header, body = json.loads(raw[8:8 + n]), raw[8 + n:]
extra = struct.pack('<12f', *range(12))
header['optim.adam.m.rnn.weight_ih_l0'] = {'dtype': 'F32', 'shape': [3, 4], 'data_offsets': [len(body), len(body) + 48]}
header['state.h_l0'] = {'dtype': 'F32', 'shape': [4, 3], 'data_offsets': [len(body) + 48, len(body) + 96]}
header['__metadata__']['rnn_lens_resume'] = '{"step": 7}'
text = json.dumps(header).encode(); text += b' ' * (-len(text) % 8)
with_resume = os.path.join(out_dir or '/tmp', 'with-resume.safetensors')
open(with_resume, 'wb').write(len(text).to_bytes(8, 'little') + text + body + extra + extra)
model, vocab, cfg = load_rnn_lens(with_resume)
x, ids = one_hot('hello', vocab)
check('resume tensors skipped', abs(torch_loss(model, x, ids) - 1.3538027122065717) <= 1e-5,
      f'loss {torch_loss(model, x, ids):.8f} with optim.* and state.* present')
os.remove(with_resume)

# Replay train-lstm-adam.json with the continue_training loop: same batching, BPTT, clipping, Adam.
case = json.load(open(os.path.join(golden, 'train-lstm-adam.json'), encoding='utf-8'))
cfg, t = case['config'], case['train']
print('train-lstm-adam')
model = CharRNN(cfg['cell'], len(cfg['vocab']), cfg['hidden'], cfg['layers'])
model.load_state_dict({k: tensor(v) for k, v in case['weights'].items()})
x, ids = one_hot(case['text'], cfg['vocab'])
losses = train(model, x, ids, t['steps'], t['batch'], t['seqLen'], t['lr'], t['clipNorm'], log=lambda s: None)
diff = max(abs(a - b) for a, b in zip(losses, case['expected']['losses']))
check('train-lstm-adam losses', diff <= 1e-5, f'{len(losses)} steps, max diff {diff:.1e}')
after = case['expected']['weightsAfter']
worst = max((model.state_dict()[k] - tensor(v)).abs().max().item() for k, v in after.items())
check('train-lstm-adam weights after', worst <= 1e-5, f'max abs diff {worst:.1e}')

if out_dir:
    # A model trained in PyTorch (the continued one above), brought back to RNN Lens.
    trained = os.path.join(out_dir, 'trained-in-pytorch.safetensors')
    train(model, x, ids, 100, t['batch'], t['seqLen'], t['lr'], t['clipNorm'], log=lambda s: None)
    save_rnn_lens(trained, model, cfg['vocab'])
    text_path = os.path.join(out_dir, 'trained-in-pytorch.txt')
    open(text_path, 'w', encoding='utf-8').write(case['text'])
    manifest.append({'name': 'trained-in-pytorch', 'checkpoint': trained, 'text': text_path,
                     'torchLoss': torch_loss(model, x, ids)})
    json.dump(manifest, open(os.path.join(out_dir, 'manifest.json'), 'w'), indent=1)

print(f'{len(failures)} failure(s)' + (': ' + ', '.join(failures) if failures else ''))
sys.exit(1 if failures else 0)
