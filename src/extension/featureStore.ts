/**
 * The user's Find Units features (Add Feature Regex…) kept per training file in the workspace's
 * state, so that a window reload or a new session on the same file lists them again. What comes
 * back is checked like typed input: a pattern that no longer compiles, a duplicate name or a list
 * past the limit is dropped rather than sent to the analysis worker.
 */

import { BUILTIN_FEATURES, parseFeature, type FeatureSpec } from '../engine/analysis/features';
import { MAX_FEATURES } from '../protocol/analysis';

/** The part of vscode.Memento this needs (so tests can hand it a Map). */
export interface FeatureMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const PREFIX = 'rnnLens.findUnits.features:';

export class FeatureStore {
  constructor(private readonly memento: FeatureMemento) {}

  /** The features saved for `file` (a URI string), in the order they were added. */
  load(file: string): FeatureSpec[] {
    const saved = this.memento.get<unknown>(PREFIX + file);
    if (!Array.isArray(saved)) return [];
    const out: FeatureSpec[] = [];
    const names = new Set<string>(BUILTIN_FEATURES);
    for (const item of saved) {
      if (out.length + BUILTIN_FEATURES.length >= MAX_FEATURES) break;
      if (typeof item !== 'object' || item === null) continue;
      const { name, pattern } = item as { name?: unknown; pattern?: unknown };
      if (typeof name !== 'string' || typeof pattern !== 'string' || names.has(name)) continue;
      try {
        const feature = parseFeature(`${name}=${pattern}`);
        // A name with '=' in it would read back differently: keep only what round-trips.
        if (feature.name !== name || feature.pattern !== pattern) continue;
        names.add(name);
        out.push(feature);
      } catch {
        // A pattern this JavaScript refuses: dropped, as the Add Feature box would refuse it.
      }
    }
    return out;
  }

  /** Saves `features` for `file`; an empty list removes the key. */
  save(file: string, features: readonly FeatureSpec[]): Thenable<void> {
    const list = features.filter((f) => f.pattern !== undefined).map((f) => ({ name: f.name, pattern: f.pattern }));
    return this.memento.update(PREFIX + file, list.length > 0 ? list : undefined);
  }
}
