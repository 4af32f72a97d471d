/** The --help texts, one per command, kept beside each other so they read as one manual. */

import { DEFAULT_SETTINGS as D } from '../engine/model/config';
import { MAX_VALIDATION_CHARS } from '../engine/evaluate';
import { MAX_TEXT_BYTES } from './files';

export const MAIN_HELP = `rnn-lens: train a character-level RNN, LSTM or GRU on a text file and inspect it.

Usage: rnn-lens COMMAND [options]

Commands:
  train FILE          train a model on a UTF-8 text file and save a checkpoint
  sample CKPT         generate text from a checkpoint
  eval CKPT FILE      loss, bits per character and perplexity of a checkpoint on a text
  gradcheck           compare backpropagation with finite differences on a small model
  info CKPT           show what a checkpoint holds
  bench               measure training speed

Options:
  -h, --help          show help (also: rnn-lens COMMAND --help)
  -v, --version       show the version

Checkpoints are safetensors files that PyTorch can load (see the README).
Exit codes: 0 ok, 1 bad input or failed check, 2 bad command line, 130 interrupted.
`;

export const TRAIN_HELP = `Usage: rnn-lens train FILE [options]

Trains on FILE (UTF-8 text, at most ${MAX_TEXT_BYTES / (1024 * 1024)} MB) and saves a checkpoint at the end, and on Ctrl-C
(the current step finishes, the checkpoint is saved, exit code 130).

Model:
  --cell rnn|lstm|gru        cell type (default ${D.cell})
  --hidden N                 hidden units per layer, 1-1024 (default ${D.hidden})
  --layers N                 stacked layers, 1-4 (default ${D.layers})
  --gru-reset-after BOOL     GRU form: true = PyTorch, false = Cho et al. 2014 (default ${D.gruResetAfter})
  --forget-bias X            initial LSTM forget-gate bias (default ${D.forgetBias})
Training:
  --seq-len T                truncated-BPTT window (default ${D.seqLen})
  --batch B                  parallel streams (default ${D.batch})
  --optimizer sgd|adagrad|adam  (default ${D.optimizer})
  --lr X                     learning rate (default ${D.lr})
  --clip-norm C              clip the global gradient norm to C, 0 = off (default ${D.clipNorm})
  --clip-value V             clip each gradient entry to [-V, V], 0 = off (default ${D.clipValue})
  --val-fraction F           last fraction of the text held out for validation, 0-0.5 (default ${D.valFraction})
  --seed N                   random seed for weights and sampling (default ${D.seed})
  --steps N                  optimizer steps to take (default 1000)
  --seconds S                train for S seconds instead of a number of steps
Checkpoints:
  --init CKPT                start from a checkpoint's weights with fresh optimizer state
  --resume CKPT              continue a saved run exactly (settings come from the checkpoint)
  --out CKPT                 where to save (default: FILE's name with .safetensors, in the current folder)
Output:
  --sample-every N           print a short sample every N steps (default 200 on a terminal, else 0 = never)
  --val-every N              compute the validation loss every N steps (default 100; always at the end),
                             on at most the first ${MAX_VALIDATION_CHARS.toLocaleString('en-US')} held-out characters
  --json                     one JSON object per line on stdout: step events and a final summary
                             (or an {"event":"error"} object if the run fails)
`;

export const SAMPLE_HELP = `Usage: rnn-lens sample CKPT [options]

Generates text from a checkpoint, one character at a time.

  --length N          characters to generate (default 500)
  --temperature T     softmax temperature (default 1; lower is more conservative, 0 = always the likeliest)
  --top-k K           sample only among the K most likely characters (default: all)
  --prime TEXT        text to feed in first and print (its characters must be in the vocabulary)
  --seed N            random seed (default 1)
`;

export const EVAL_HELP = `Usage: rnn-lens eval CKPT FILE [options]

Mean cross-entropy of the model on the whole of FILE (state carried from zero), in nats and
bits per character, and the perplexity.

  --skip-unknown      skip characters the model's vocabulary lacks (default: refuse, naming them)
  --json              print one JSON object
`;

export const GRADCHECK_HELP = `Usage: rnn-lens gradcheck [options]

Checks backpropagation through time against finite differences on a small random model and
prints the worst relative error per tensor. Exit code 1 if any tensor fails.

  --cell rnn|lstm|gru        (default: all three)
  --layers N                 (default 2)
  --hidden N                 (default 5)
  --gru-reset-after BOOL     (default true)
  --seed N                   (default 1)
  --json                     print one JSON object
`;

export const INFO_HELP = `Usage: rnn-lens info CKPT [--json]

Shows what a checkpoint holds: architecture, vocabulary, parameter tensors and, for a
checkpoint saved by training, the state needed to resume.
`;
