"""digitpad.reading: the one path from a 28x28 image to the answer, shared by the app, the
CLI, evaluation and the benchmarks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitpad import drawn, notdigit, preprocess, reading
from digitpad.cli import main
from digitpad.nets import VOTE, load_network
from digitpad.nets.base import Classifier
from digitpad.nets.vote import combine


class Fixed(Classifier):
    """A net that answers the same ten probabilities for every image."""

    def __init__(self, name: str, probabilities: list[float]) -> None:
        self.name, self.meta = name, {}
        self.answer = np.asarray(probabilities, np.float32)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return np.tile(self.answer, (max(1, np.size(x) // 784), 1))


def peaked(digit: int, top: float) -> list[float]:
    p = [(1 - top) / 9] * 10
    p[digit] = top
    return p


@pytest.fixture(scope="module")
def pen_digits() -> tuple[list[list[np.ndarray]], np.ndarray]:
    """40 held-out pen digits placed on the canvas as a person would draw them."""
    from tests.conftest import SHARED_DATA

    path = SHARED_DATA / "unipen-digits-dev.npz"
    if not path.exists():
        pytest.skip(f"{path} not found")
    pen = drawn.load(path)
    rng = np.random.default_rng(0)
    chosen = pen.subset(drawn.held_out_writers(pen.writers))[::30][:40]
    return [drawn.place(pen.strokes(i), rng) for i in chosen], pen.labels[chosen]


def test_one_image_gives_a_reading_and_a_stack_a_list() -> None:
    image = np.zeros((28, 28), np.float32)
    image[4:24, 13:15] = 1.0
    one = reading.read(image, "B1")
    assert isinstance(one, reading.Reading) and one.net == "B1" and set(one.per_net) == {"B1"}
    assert one.probabilities.shape == (10,) and one.not_a_digit is False
    many = reading.read(np.stack([image, image]), "vote")
    assert isinstance(many, list) and len(many) == 2
    assert set(many[0].per_net) == {"B1", "B2", "B3", "B4", "K1"}
    assert many[0].digit == int(np.argmax(many[0].probabilities)) != many[0].runner_up


def test_the_vote_is_the_weighted_vote_not_the_plain_mean() -> None:
    """K1 counts half: four MLPs saying 3 are outvoted by a very sure K1 saying 8."""
    nets = [Fixed(n, peaked(3, 0.6)) for n in ("B1", "B2", "B3", "B4")] + [Fixed("K1", peaked(8, 0.99))]
    answer = reading.read(np.zeros((28, 28)), load_vote(nets))
    assert answer.digit == 8  # a plain mean would say 3 (0.6 * 4 + 0.001 against 0.99 + 0.18)
    np.testing.assert_allclose(answer.probabilities, combine({n.name: n.answer for n in nets}))
    assert not answer.sure and answer.text == "not sure: 8 or 3?"  # only one net of five agrees


def load_vote(nets: list[Classifier]) -> Classifier:
    from digitpad.nets import Vote

    return Vote(nets)


@pytest.mark.parametrize("members, sure, text", [
    ({"B1": peaked(7, 0.9), "K1": peaked(7, 0.99)}, True, "7 (94.5%)"),
    ({"B1": peaked(7, 0.8), "K1": peaked(7, 0.9)}, False, "not sure: 7 or 0?"),  # 0.85 < 0.88
    ({"B1": peaked(3, 0.99), "B2": peaked(8, 0.6), "K1": peaked(3, 0.99)}, False, "not sure: 3 or 8?"),
])
def test_sure_needs_probability_and_agreement(members: dict[str, list[float]], sure: bool, text: str) -> None:
    found = reading.readings({n: np.array([p], np.float32) for n, p in members.items()}, VOTE)[0]
    assert found.sure is sure and found.text == text


def test_a_single_net_is_judged_by_its_probability_alone() -> None:
    low = np.zeros((1, 10), np.float32)
    low[0, [4, 9, 1]] = 0.55, 0.40, 0.05
    found = reading.readings({"B1": low}, "B1")[0]
    assert not found.sure and found.text == "not sure: 4 or 9?"
    assert reading.readings({"B1": np.array([peaked(2, 0.95)], np.float32)}, "B1")[0].sure


@pytest.mark.parametrize("top, expected", [(0.93, [True, False, False]), (0.98, [True, True, False])])
def test_a_drawing_the_check_doubts_needs_a_surer_answer(top: float, expected: list[bool]) -> None:
    """Scores 0.05, 0.5 and 0.95 from the not-a-digit check (threshold 0.9): the first is a
    digit by the usual rule, the second is one only from DOUBT_PROBABILITY, the third is
    not a digit at all."""
    reader = reading.Reader({"K1": load_network("K1")})
    assert reader.detector is not None and reader.detector.threshold == 0.9
    assert notdigit.DOUBT < 0.5 and 0.93 < notdigit.DOUBT_PROBABILITY < 0.98
    seven = drawn_seven()
    per_net = {n: np.tile(np.float32(peaked(7, top)), (3, 1)) for n in ("B1", "B2", "B3", "B4", "K1")}
    found = reader.judge(np.stack([seven] * 3), per_net, np.array([0.05, 0.5, 0.95], np.float32))
    assert [r.sure for r in found] == expected
    assert [r.not_a_digit for r in found] == [False, False, True]
    assert found[1].text == ("7 (98.0%)" if top == 0.98 else "not sure: 7 or 0?")


def test_reading_applies_the_checks_doubt(monkeypatch: pytest.MonkeyPatch) -> None:
    """``read`` judges with the check's own scores. With no answer sure enough for a
    doubted drawing, a clear 7 is still sure (the check does not doubt it); once every
    score counts as doubt (DOUBT 0), it is not."""
    seven = drawn_seven()
    reader = reading.Reader({"K1": load_network("K1")})
    monkeypatch.setattr(notdigit, "DOUBT_PROBABILITY", 1.01)
    assert reader.read(seven, "K1")[0].sure
    monkeypatch.setattr(notdigit, "DOUBT", 0.0)
    found = reader.read(seven, "K1")[0]
    assert (found.sure, found.not_a_digit, found.digit) == (False, False, 7)


def drawn_seven() -> np.ndarray:
    """A 7 in one stroke, top bar and stem, as the pad gives it: (28, 28)."""
    return preprocess.to_mnist(preprocess.rasterize([[(60.0, 50.0), (220.0, 50.0), (120.0, 240.0)]]))


def test_percent_never_rounds_an_uncertain_answer_up_to_100() -> None:
    assert reading.percent(0.9996) == "99.9%"
    assert reading.percent(0.998) == "99.8%"
    assert reading.percent(1.0) == "100%"
    assert reading.percent(0.5) == "50.0%"


@pytest.mark.parametrize("bad", [np.zeros((28, 27)), np.zeros((2, 784)), np.zeros(10)])
def test_images_of_another_shape_are_refused(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="28, 28"):
        reading.read(bad)


def test_unknown_net_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown network"):
        reading.read(np.zeros((28, 28)), "B9")


def test_choosing_other_weights_is_seen_without_restarting(tmp_path: Path) -> None:
    from digitpad.nets import registry
    from digitpad.nets.mlp import MLP

    image = np.zeros((28, 28), np.float32)
    image[4:24, 13:15] = 1.0
    before = reading.read(image, "B1")
    mine = MLP(registry.spec("B1").sizes, name="B1", seed=5)
    mine.save(tmp_path / "B1-mine.npz", trained_on="random (test)")
    registry.choose("B1", tmp_path / "B1-mine.npz")
    after = reading.read(image, "B1")
    np.testing.assert_allclose(after.probabilities, mine.predict_proba(image)[0], atol=1e-6)
    assert not np.allclose(after.probabilities, before.probabilities)


def test_a_scan_of_a_drawing_is_the_same_image_as_the_drawing(pen_digits, tmp_path: Path) -> None:
    from digitpad import images

    for k, strokes in enumerate(pen_digits[0][:10]):
        canvas = preprocess.rasterize(strokes)
        scan = tmp_path / f"{k}.png"
        Image.fromarray(255 - np.asarray(canvas)).save(scan)  # black ink on white paper
        assert np.array_equal(images.read_digit(scan), preprocess.to_mnist(canvas))


def test_predict_on_scans_says_what_the_app_says(pen_digits, tmp_path: Path, capsys) -> None:
    """`digitpad predict --json` on PNGs of drawings agrees with reading the drawings as the
    app does, probabilities included (a plain mean of the nets differs on every image)."""
    strokes, _labels = pen_digits
    paths = []
    for k, digit in enumerate(strokes):
        paths.append(str(tmp_path / f"{k}.png"))
        Image.fromarray(255 - np.asarray(preprocess.rasterize(digit))).save(paths[-1])
    assert main(["predict", "--net", "vote", "--json", *paths]) == 0
    printed = json.loads(capsys.readouterr().out)
    app = reading.read(np.stack([preprocess.to_mnist(preprocess.rasterize(s)) for s in strokes]))
    for cli, expected in zip(printed, app):
        assert (cli["digit"], cli["sure"], cli["text"]) == (expected.digit, expected.sure, expected.text)
        np.testing.assert_allclose(cli["probabilities"], expected.probabilities, atol=2e-6)
        assert cli["not_a_digit"] is False and cli["per_net"]["K1"] == int(np.argmax(expected.per_net["K1"]))
    assert len({r.digit for r in app}) >= 5  # real, varied digits, not one answer for all


def test_predict_prints_a_failing_path_once(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nothing.png"
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    assert main(["predict", str(missing), str(blank)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert err[0].count(str(missing)) == 1 and err[1].count(str(blank)) == 1
    assert "no such file" in err[0] and "no digit" in err[1]


def test_the_vote_through_load_network_matches_reading() -> None:
    rng = np.random.default_rng(1)
    x = rng.random((5, 28, 28), dtype=np.float32)
    found = reading.read(x)
    np.testing.assert_allclose(load_network("vote").predict_proba(x), [r.probabilities for r in found],
                               atol=1e-6)


def test_settings_that_do_not_change_the_weights_keep_the_loaded_nets() -> None:
    from digitpad import settings

    reader = reading.default_reader()
    settings.update(net="K1")  # what the app writes when the user picks another net
    assert reading.default_reader() is reader
