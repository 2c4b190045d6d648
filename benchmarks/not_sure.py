"""Check the "not sure" and "not a digit" rules on writers no net or detector trained on.

    python benchmarks/not_sure.py [--seed 0] [--grid] [--detector FILE]

Pen-drawn digits and letters of the held-out writers (digitpad.drawn.held_out_writers),
the MNIST test set, and made-up non-digits (digitpad.train.nondigits) and pairs of
digits, all read by digitpad.reading as the app reads them. Prints the four goal figures
of the not-a-digit issue for all held-out writers and for each of five folds of them
(digitpad.drawn.writer_folds), then the other checks. ``--grid``: the not-sure rule's
figures for other thresholds too, with the not-a-digit check and its doubt rule
(digitpad.notdigit.DOUBT) as shipped.
Goals: letters answered as a confident digit <= 5%; digits "not sure" or "not a digit"
<= 3%; confident answers right >= 99.7%; MNIST test digits "not a digit" <= 0.3%.
The shipped detector learned from every dev writer (``--all-writers``), so its letter and
not-a-digit figures here are in-sample; for honest ones, train the same recipe without
them (``python -m digitpad.train.notdigit_trainer --out FILE``) and pass ``--detector FILE``.
"""

from __future__ import annotations

import argparse

import numpy as np

from digitpad import dirs, drawn, notdigit, preprocess, verdict
from digitpad.datasets import sources
from digitpad.nets.vote import combine
from digitpad.reading import Reader, default_reader, readings
from digitpad.train import nondigits
from digitpad.train.notdigit_trainer import pairs

Judged = tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray]


def judged(reader: Reader, images: np.ndarray) -> Judged:
    """(digit, sure, not_a_digit) per image as digitpad.reading says, the nets' answers, and
    which images the not-a-digit check is in doubt about."""
    per_net, scores = reader.evidence(images)
    found = reader.judge(images, per_net, scores)
    doubt = notdigit.in_doubt(scores)
    return (np.array([r.digit for r in found]), np.array([r.sure for r in found]),
            np.array([r.not_a_digit for r in found]), per_net,
            np.zeros(len(images), bool) if doubt is None else doubt)


def goals(digits: tuple[np.ndarray, ...], labels: np.ndarray, letters: tuple[np.ndarray, ...]) -> str:
    answer, sure = digits[:2]
    letter_sure = letters[1]
    right = (answer == labels)[sure].mean() * 100 if sure.any() else float("nan")
    return (f"letters confident {letter_sure.mean() * 100:5.2f}%  digits not sure/not a digit "
            f"{100 - sure.mean() * 100:5.2f}%  confident right {right:6.2f}%  ({len(labels)} digits, "
            f"{len(letter_sure)} letters)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0, help="placement of the drawn digits and letters")
    parser.add_argument("--grid", action="store_true", help="the not-sure rule at other thresholds too")
    parser.add_argument("--detector", metavar="FILE",
                        help="another not-a-digit detector (the shipped one saw the held-out writers)")
    args = parser.parse_args()
    reader = Reader(detector_file=args.detector) if args.detector else default_reader()
    state = f"on, threshold {reader.detector.threshold:.2f}" if reader.detector else reader.detector_off
    print(f"not-a-digit check: {state}")
    pen = drawn.load(dirs.data_dir() / "unipen-digits-dev.npz")
    letters = drawn.load(dirs.data_dir() / "unipen-letters-dev.npz")
    pen_mask, letter_mask = drawn.held_out_writers(pen.writers), drawn.held_out_writers(letters.writers)
    digits = judged(reader, drawn.render(pen, pen.subset(pen_mask), seed=args.seed))
    labels = pen.labels[pen_mask]
    read_letters = judged(reader, drawn.render(letters, letters.subset(letter_mask), seed=args.seed))
    print("held-out writers:", goals(digits, labels, read_letters))
    pen_fold = drawn.writer_folds(pen.writers[pen_mask])
    letter_fold = drawn.writer_folds(letters.writers[letter_mask])
    for fold in range(drawn.FOLDS):
        d, lt = pen_fold == fold, letter_fold == fold
        print(f"  fold {fold}:", goals(tuple(a[d] for a in digits[:3]), labels[d],
                                       tuple(a[lt] for a in read_letters[:3])))
    mnist = sources.load("mnist")
    answer, sure, rejected, _, _ = judged(reader, mnist.test_images.astype(np.float32) / 255)
    print(f"MNIST test: not a digit {rejected.mean() * 100:.2f}%, "
          f"not sure {(~sure & ~rejected).mean() * 100:.2f}%, "
          f"right {np.mean(answer == mnist.test_labels) * 100:.2f}%")
    others(reader, pen, pen_mask, args.seed)
    thin_and_tiny(reader, pen, pen_mask, args.seed)
    if args.grid:
        grid(digits, labels, read_letters)


def others(reader: Reader, pen: drawn.PenDigits, held: np.ndarray, seed: int) -> None:
    """Made-up non-digits by kind, and pairs of held-out writers' digits."""
    kinds = list(nondigits.MAKERS)
    images, kind = nondigits.render(kinds, 50 * len(kinds), seed=seed + 1000)
    _answer, sure, rejected, _, _ = judged(reader, images)
    print("made-up non-digits, confident digit:",
          ", ".join(f"{k} {sure[kind == i].mean() * 100:.0f}%" for i, k in enumerate(kinds)))
    two = pairs(pen, pen.subset(held), 300, seed + 2000)[0]
    per_net, scores = reader.evidence(two)
    alone = np.array([r.sure for r in readings(per_net, "vote")])
    found = reader.judge(two, per_net, scores)
    print(f"two digits side by side: confident digit {np.mean([r.sure for r in found]) * 100:.1f}% "
          f"(without the check {alone.mean() * 100:.1f}%), not a digit "
          f"{np.mean([r.not_a_digit for r in found]) * 100:.1f}%, said 'two digits' "
          f"{np.mean([r.reason == notdigit.TWO_DIGITS for r in found]) * 100:.1f}%")


def thin_and_tiny(reader: Reader, pen: drawn.PenDigits, held: np.ndarray, seed: int) -> None:
    """Held-out digits drawn with a 4 px pen (a fifth of the app's), and drawn at 12% of the
    canvas's height (the app itself says "draw it larger" below 18%): still read?"""
    rng = np.random.default_rng(seed)
    indices = pen.subset(held)[:400]
    thin = np.stack([preprocess.to_mnist(preprocess.rasterize(drawn.place(pen.strokes(i), rng), width=4))
                     for i in indices])
    small = [drawn.place(pen.strokes(i), rng, height=(0.12, 0.12)) for i in indices]
    tiny = np.stack([preprocess.to_mnist(preprocess.rasterize(strokes)) for strokes in small])
    for name, images in (("thin pen", thin), ("tiny", tiny)):
        answer, sure, rejected, _, _ = judged(reader, images)
        print(f"{name}: right {np.mean(answer == pen.labels[indices]) * 100:.1f}%, confident "
              f"{sure.mean() * 100:.1f}%, not a digit {rejected.mean() * 100:.1f}% ({len(indices)} digits)")


def grid(digits: Judged, labels: np.ndarray, letters: Judged) -> None:
    vote, letter_vote = combine(digits[3]), combine(letters[3])
    print(f"{'min p':>6} {'agree':>6}  figures with the not-a-digit check as shipped")
    for agreement in (0.6, 0.8, 1.0):
        for threshold in (0.5, 0.7, 0.8, 0.85, 0.88, 0.9):
            sure, letter_sure = (
                verdict.judge_batch(v, found[3], notdigit.least_probability(found[4], threshold), agreement)
                & ~found[2]
                for v, found in ((vote, digits), (letter_vote, letters)))
            figures = goals((vote.argmax(1), sure, digits[2]), labels,
                            (letter_vote.argmax(1), letter_sure, letters[2]))
            print(f"{threshold:6.2f} {agreement:6.2f}  {figures}")


if __name__ == "__main__":
    main()
