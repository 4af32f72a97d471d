/** The --help texts, one per command, kept beside each other so they read as one manual. */

import { DEFAULT_SETTINGS as D } from '../engine/model/config';
import { MAX_VALIDATION_CHARS } from '../engine/evaluate';
import { MAX_TEXT_BYTES } from './files';
import { PROBE_DEFAULT_MAX_LENGTH } from '../engine/analysis/probe';
import { TASK_DEFAULTS } from '../engine/tasks/tasks';

export const MAIN_HELP = `rnn-lens: train a character-level RNN, LSTM or GRU on a text file and inspect it.

Usage: rnn-lens COMMAND [options]

Commands:
  train FILE          train a model on a UTF-8 text file and save a checkpoint
  sample CKPT         generate text from a checkpoint
  eval CKPT FILE      loss, bits per character and perplexity of a checkpoint on a text
  gradcheck           compare backpropagation with finite differences on a small model
  info CKPT           show what a checkpoint holds
  probe CKPT FILE     how long the network notices a one-character edit (--at K --replace C)
  saliency CKPT FILE  which earlier characters a prediction leans on (--at T)
  neurons CKPT FILE   the units that track quotes, brackets, line position, your regexes
  task NAME           generate a text that tests memory (lag, dyck1, dyck2, copy)
  compare FILE        train rnn, lstm and gru with the same settings and compare them
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
  --ablate SPEC       hold a unit fixed at every step (repeatable; SPEC as in rnn-lens eval --help)

At temperature 0 the sample is greedy (the likeliest character each time) and does not depend
on the seed; without --prime it then starts from the vocabulary's first character.
`;

export const EVAL_HELP = `Usage: rnn-lens eval CKPT FILE [options]

Mean cross-entropy of the model on the whole of FILE (state carried from zero), in nats and
bits per character, and the perplexity.

  --skip-unknown      skip characters the model's vocabulary lacks (default: refuse, naming them)
  --per-char          also give the loss of every prediction (JSON: "losses", one per character
                      after the first; text: one line each)
  --ablate SPEC       hold a unit fixed at every step (repeatable). SPEC is [h:|c:]LAYER:UNIT[=VALUE],
                      layers and units counted from 0, state h and VALUE 0 by default: h: sets
                      h_t[UNIT] right after the layer's update, c: (LSTM) sets c_t[UNIT] before
                      h_t = o_t * tanh(c_t); the next step, the layer above and the decoder see it
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

export const PROBE_HELP = `Usage: rnn-lens probe CKPT FILE --at K --replace C [--length N] [--json]

Reads FILE[0..N-1] from the zero state, and the same text with FILE[K] replaced by C, and
measures at every t from K to N-1 how far apart the two runs are: dh = ||h'_t - h_t|| per layer,
dc the same for an LSTM's cell state, KL(p_t || p'_t) of the next-character distributions, and
whether the likeliest next character changed. The horizon is the last t at which the top layer's
dh is at least 1% of its peak, minus K: how long the network noticed the edit.

  --at K              the position to replace (characters counted from 0)
  --replace C         the character to put there (one character of the model's vocabulary)
  --length N          characters to read (default: the file, at most ${PROBE_DEFAULT_MAX_LENGTH.toLocaleString('en-US')})
  --json              {"at","original","replace","length","horizon","steps":[{"t","dh","dc","kl","top1Changed"}]}
`;

export const SALIENCY_HELP = `Usage: rnn-lens saliency CKPT FILE --at T [--json]

Explains the prediction of FILE[T+1] after reading FILE[0..T] from the zero state: for every
k = 0..T, grad = d log p / d x_k at the character read (gradient x input) and norm = the L2 norm
of d log p / d x_k over the one-hot vector. One backward pass through the window.

  --at T              the position whose next character is explained (counted from 0)
  --json              {"t","target","logProb","scores":[{"k","char","grad","norm"}]}
`;

export const NEURONS_HELP = `Usage: rnn-lens neurons CKPT FILE [--top K] [--feature NAME=REGEX ...] [--json]

For each feature of the text, the K units (h of every layer, and c for an LSTM) whose value after
reading FILE[t] has the largest |Pearson r| with the feature's value at t, over all positions.
Built-in features:
  in-quotes           the number of " in FILE[0..t], modulo 2
  in-brackets         1 when the bracket depth after FILE[t] is above 0 (([{ add one, )]} take one)
  line-position       t minus the index of the last newline at or before t (-1 when none)
  whitespace          1 when FILE[t] matches \\s
A constant feature or unit gets r = 0.

  --top K             units per feature (default 5)
  --feature NAME=REGEX  also a feature that is 1 inside any match of REGEX (JavaScript, flags gu);
                      repeatable
  --json              {"positions","features":[{"name","units":[{"layer","state","unit","r"}]}]}
`;

export const TASK_HELP = `Usage: rnn-lens task NAME [--lines N] [--seed S] [options] [--out FILE]

Prints a generated training text (or writes it to FILE); the same seed gives the same text.
On stderr: the memory positions and the loss a memoryless model gets there (the best predictor
that sees only the current character, from the text's own bigram frequencies).

  lag --lag K         per line: a symbol s from abcdefgh, K digits 0-9, ?, s again, a newline
                      (regex ([a-h])[0-9]{K}\\?\\1; default K ${TASK_DEFAULTS.lag}). Memory positions: the s after
                      each ?, recalled from K+1 steps back; memoryless loss ln 8 = 2.079 nats.
  dyck1 [--depth D] [--length P]
                      per line a balanced string over (), depth at most D (default ${TASK_DEFAULTS.depth}),
                      1 to P pairs (default ${TASK_DEFAULTS.dyckLength}). Memory positions: after the depth returned
                      to 0 (a ( or the newline) and at depth D (only ) possible).
  dyck2 [--depth D] [--length P]
                      the same over ()[]; memory positions: every closing bracket.
  copy [--length M]   1 to M symbols from abcdefgh (default ${TASK_DEFAULTS.copyLength}), |, the same symbols, a
                      newline. Memory positions: the characters of the copy.

  --lines N           lines to generate (default ${TASK_DEFAULTS.lines})
  --seed S            random seed (default ${TASK_DEFAULTS.seed})
  --out FILE          write the text to FILE instead of stdout
`;

export const COMPARE_HELP = `Usage: rnn-lens compare FILE [--cells rnn,lstm,gru] [train options] [--out PREFIX] [--json]

Trains each cell in turn with the same seed and settings, exactly as rnn-lens train does (the
same losses, bit for bit), and reports per cell: the final training loss and validation loss,
the gradient horizon (how many steps back the loss's gradient reaches, with at least 1% of its
weight, in the final trace's top layer: the median over the window's second half), the memory
span (the mean probe horizon at 8 positions of the held-out text, each character replaced by the
next one of the vocabulary and followed for 256 characters, or half the held-out part if
shorter), the parameter count and chars/s.

  --cells LIST        the cells, comma-separated (default rnn,lstm,gru)
  --out PREFIX        save each cell's checkpoint as PREFIX-CELL.safetensors (default: none)
  --json              {"cells":[{"cell","trainLoss","valLoss","horizon","memorySpan","params","charsPerSec"}]}
Train options (as for rnn-lens train): --hidden --layers --gru-reset-after --forget-bias
  --seq-len --batch --optimizer --lr --clip-norm --clip-value --val-fraction --seed --steps
  --seconds --val-every
`;
