/** The one number formatter: every quantity at its own precision, the same wherever it is printed. */

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  FORMAT_WORDS_EN, formatCount, formatLoss, formatProbability, formatRate, formatSignificant, formatSpeed, formatTick, formatValidation, formatValue,
  getNumberLocale, lossDigitsToFit, setFormatWords, setNumberLocale,
} from '../../src/protocol/format';
import { formatWordsFrom, WEBVIEW_STRINGS_EN, type WebviewStrings } from '../../src/protocol/strings';

describe('number formatter (src/protocol/format.ts)', () => {
  it('prints losses to 4 significant digits, keeping trailing zeros, with an exponent below 1e-3', () => {
    assert.equal(formatLoss(1.92734), '1.927');
    assert.equal(formatLoss(0.278612), '0.2786');
    assert.equal(formatLoss(5), '5.000');
    assert.equal(formatLoss(0.91), '0.9100');
    assert.equal(formatLoss(2.786e-4), '2.786e-4', 'never "0.000"');
    assert.equal(formatLoss(12.3456), '12.35');
    assert.equal(formatLoss(0), '0');
  });

  it('prints probabilities to 2 and other values to 3 significant digits', () => {
    assert.equal(formatProbability(0.3712), '0.37');
    assert.equal(formatProbability(0.05), '0.050');
    assert.equal(formatProbability(3.9e-5), '3.9e-5');
    assert.equal(formatProbability(1), '1.0');
    assert.equal(formatValue(-0.53713), '-0.537');
    assert.equal(formatValue(98.51), '98.5');
    assert.equal(formatValue(0.0009996), '0.00100', 'rounds before choosing the form');
    assert.equal(formatValue(14.07), '14.1');
    assert.equal(formatValue(12345.6), '12,346', 'more integer digits than significant ones: a whole number');
    assert.equal(formatValue(2.5e7), '2.50e7');
  });

  it('says what non-finite values are', () => {
    assert.equal(formatValue(NaN), 'NaN');
    assert.equal(formatLoss(Infinity), '∞');
    assert.equal(formatValue(-Infinity), '-∞');
  });

  it('prints counts and rates as whole numbers with separators', () => {
    assert.equal(formatCount(1156), '1,156');
    assert.equal(formatCount(113353.4), '113,353');
    assert.equal(formatRate(20975.4), '20,975 chars/s');
  });

  it('prints ticks as the shortest exact round number', () => {
    assert.deepEqual([1e-5, 1e-3, 0.02, 0.5, 1, 10, 1000, 2e6].map(formatTick), ['1e-5', '0.001', '0.02', '0.5', '1', '10', '1,000', '2e6']);
    assert.equal(formatTick(0), '0');
    assert.equal(formatTick(-1), '-1');
  });

  it('is deterministic per quantity: the same number prints the same whatever the caller', () => {
    for (const x of [2.786e-4, 1.2, 3.14159, 0.1 + 0.2]) assert.equal(formatLoss(x), formatSignificant(x, 4));
  });
});

describe('number formatter: the display language', () => {
  afterEach(() => setNumberLocale('en-US'));

  it('writes separators the way the locale does, Korean like English', () => {
    setNumberLocale('ko');
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatLoss(1.92734), '1.927');
    setNumberLocale('de');
    assert.equal(formatCount(1234567), '1.234.567');
    assert.equal(formatLoss(1.92734), '1,927');
    assert.equal(formatValue(2.5e7), '2,50e7');
    assert.equal(formatTick(0.02), '0,02');
    assert.equal(formatRate(20975.4, '{0} Zeichen/s'), '20.975 Zeichen/s');
  });

  it('prints the words around the numbers in the display language (the webviews\' table, in Korean here)', () => {
    const ko = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
    const table = Object.fromEntries(Object.entries(WEBVIEW_STRINGS_EN).map(([k, en]) => [k, ko[en] ?? en])) as WebviewStrings;
    setNumberLocale('ko');
    setFormatWords(formatWordsFrom(table));
    try {
      assert.equal(formatRate(20975.4), '20,975자/초');
      assert.doesNotMatch(formatValidation(4.70812, 1200), /val|step/);
      assert.match(formatValidation(4.70812, 1200), /4\.708.*1,200/);
      assert.match(formatSpeed({ state: 'paused', charsPerSec: 0, lastRate: 20975, threads: 2 }), /^[가-힣 ]+ \(.*20,975.*2.*\)$/);
    } finally {
      setFormatWords(FORMAT_WORDS_EN);
    }
    assert.equal(formatSpeed({ state: 'paused', charsPerSec: 0, lastRate: 20975, threads: 2 }), 'paused (20,975 chars/s on 2 threads while training)');
    assert.equal(formatValidation(4.70812, 0), 'val 4.708 at step 0');
  });

  it('falls back to English for a locale it does not know', () => {
    setNumberLocale('not a locale!');
    assert.equal(getNumberLocale(), 'en-US');
    assert.equal(formatCount(1234), '1,234');
  });

  it('gives a row of loss labels one precision, the most that lets every label fit', () => {
    const fitsIn = (chars: number) => (label: string): boolean => label.length <= chars;
    assert.equal(lossDigitsToFit([1.9274, 0.2786], fitsIn(6)), 4, '"1.927" and "0.2786" fit six characters');
    assert.equal(lossDigitsToFit([1.9274, 0.002920, 7.848e-4], fitsIn(7)), 3, '"0.002920" and "7.848e-4" do not fit seven; "0.00292" and "7.85e-4" do');
    assert.equal(lossDigitsToFit([7.848e-4], fitsIn(3)), 2, 'never fewer than two digits');
    assert.equal(formatLoss(7.848e-4, 3), '7.85e-4');
  });
});
