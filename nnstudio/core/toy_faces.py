"""Toy faces: a procedurally generated stand-in for the FER2013 face-emotion dataset.

These are SYNTHETIC CARTOON FACES drawn with PIL, not photographs of people. They exist
because the real FER2013 images cannot be redistributed, yet the face-emotion workflow of
nnstudio (the emotion CNN template, image-folder loading, training, testing) must work
offline and in the tests. Each 48x48 grayscale image shows an ellipse head with eyes,
eyebrows and a mouth whose shapes carry one of the 7 FER2013 emotions; everything else
(background, lighting, head size, position and tilt, proportions, line width, hair, noise
and the strength of the expression) varies at random, so a small CNN has something to learn
but no two images are the same. Accuracy on toy faces says nothing about real faces.
"""

from __future__ import annotations

import math
import os
import pathlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")

_SUPERSAMPLE = 4  # faces are drawn this many times larger, then reduced with LANCZOS
_TEST_STREAM = 1  # write_image_folder draws test images from SeedSequence([seed, 1])


@dataclass(frozen=True)
class _Face:
    """Where a face sits on the canvas, and its colours; lengths in canvas pixels."""

    cx: float
    cy: float
    rx: float  # head half-width, the unit of every feature size
    ry: float
    skin: int
    ink: int
    width: int  # line width
    strength: float  # how strongly the emotion shows, around 1

    def at(self, u: float, v: float) -> tuple[float, float]:
        """Canvas point of face coordinates u (right, in rx) and v (down, in ry)."""
        return self.cx + u * self.rx, self.cy + v * self.ry


def _random_face(rng: np.random.Generator, canvas: int, background: int) -> _Face:
    rx = canvas * rng.uniform(0.32, 0.44)
    skin = int(rng.uniform(90, 235))
    if abs(skin - background) < 30:  # keep the head visible against the background
        skin = int(np.clip(skin + math.copysign(45, skin - background + 0.1), 0, 255))
    return _Face(
        cx=canvas * (0.5 + rng.uniform(-0.06, 0.06)),
        cy=canvas * (0.52 + rng.uniform(-0.06, 0.06)),
        rx=rx,
        ry=rx * rng.uniform(1.12, 1.35),
        skin=skin,
        ink=int(max(0, min(skin - 70, skin * rng.uniform(0.05, 0.4)))),
        width=max(2, round(canvas * rng.uniform(0.018, 0.032))),
        strength=rng.uniform(0.6, 1.25),
    )


def _curve(
    face: _Face, u0: float, u1: float, v_of_u: Callable[[float], float], steps: int = 16
) -> list[tuple[float, float]]:
    """Canvas polyline of v = v_of_u(u) for u from u0 to u1."""
    us = np.linspace(u0, u1, steps)
    return [face.at(u, v_of_u(u)) for u in us]


def _draw_head(draw: ImageDraw.ImageDraw, face: _Face, rng: np.random.Generator) -> None:
    """The head ellipse, in two faces out of three with hair behind it and bangs over it."""
    head = (face.cx - face.rx, face.cy - face.ry, face.cx + face.rx, face.cy + face.ry)
    if rng.random() < 0.35:
        draw.ellipse(head, fill=face.skin, outline=face.ink, width=face.width)
        return
    shade = int(rng.uniform(10, 80) if rng.random() < 0.7 else rng.uniform(150, 250))
    grow = rng.uniform(1.05, 1.2)
    hair = (face.cx - face.rx * grow, face.cy - face.ry * grow)
    hair += (face.cx + face.rx * grow, face.cy + face.ry * rng.uniform(0.2, 1.0))
    draw.ellipse(hair, fill=shade)
    draw.ellipse(head, fill=face.skin, outline=face.ink, width=face.width)
    start = rng.uniform(205, 225)  # bangs: a chord over the forehead, clear of the brows
    draw.chord(head, start, 540 - start - rng.uniform(0, 20), fill=shade)


def _draw_eyes(draw: ImageDraw.ImageDraw, face: _Face, shape: str, sep: float, rng) -> None:
    """Wide open (white with a pupil), normal (dark ovals) or narrowed (dark slits)."""
    size = rng.uniform(0.09, 0.13)
    for side in (-1, 1):
        x, y = face.at(side * sep, -0.12)
        w = size * face.rx
        if shape == "wide":
            w *= 1.0 + 0.35 * face.strength
            draw.ellipse((x - w, y - w, x + w, y + w), fill=255, outline=face.ink, width=face.width)
            p = w * 0.45
            draw.ellipse((x - p, y - p, x + p, y + p), fill=face.ink)
        else:
            h = w * (0.85 if shape == "normal" else max(0.15, 0.45 - 0.2 * face.strength))
            draw.ellipse((x - w, y - h, x + w, y + h), fill=face.ink)


def _draw_brows(draw: ImageDraw.ImageDraw, face: _Face, brows: tuple, sep: float, rng) -> None:
    """Two straight brows; brows = (one side, other side), each (inner dv, outer dv, inner du):
    end heights in ry (negative = up) and how far the inner end moves towards the nose."""
    half = rng.uniform(0.13, 0.19)
    lowered_side = 1 if rng.random() < 0.5 else -1  # disgust lowers one side only
    base = -0.33 - rng.uniform(0.0, 0.05)
    for side in (-1, 1):
        inner, outer, shift = brows[0] if side == lowered_side else brows[1]
        s = face.strength
        x_in, x_out = side * (sep - half - shift * s), side * (sep + half)
        points = [face.at(x_in, base + inner * s), face.at(x_out, base + outer * s)]
        draw.line(points, fill=face.ink, width=round(face.width * 1.3))


def _draw_mouth(
    draw: ImageDraw.ImageDraw, face: _Face, mouth: str, rng: np.random.Generator
) -> None:
    """Mouth shape: smile, frown, flat, tight, round (O), wavy (open, trembling) or sneer."""
    s, ink, width = face.strength, face.ink, face.width
    w, v0 = rng.uniform(0.26, 0.4), rng.uniform(0.42, 0.5)
    if mouth in ("smile", "frown"):
        bend = (0.16 if mouth == "smile" else -0.13) * s
        arc = _curve(face, -w, w, lambda u: v0 + bend * (1 - (u / w) ** 2))
        if mouth == "smile" and rng.random() < 0.5:
            draw.polygon(arc, fill=ink)  # open smile: the arc closed by its chord
        draw.line(arc, fill=ink, width=width, joint="curve")
    elif mouth in ("flat", "tight"):
        w *= 0.65 if mouth == "tight" else 1.0
        sag = rng.uniform(-0.015, 0.015) if mouth == "flat" else -0.02 * s
        line = _curve(face, -w, w, lambda u: v0 + sag * (1 - (u / w) ** 2))
        draw.line(line, fill=ink, width=round(width * (1.5 if mouth == "tight" else 1)))
    elif mouth == "round":
        rx, ry = (0.17 + 0.07 * s) * rng.uniform(0.8, 1.1), 0.13 + 0.06 * s
        draw.ellipse((*face.at(-rx, v0 - ry), *face.at(rx, v0 + ry)), fill=ink)
    elif mouth == "wavy":
        waves, gap = rng.uniform(1.5, 2.5), 0.03 + 0.03 * s

        def wave(u: float) -> float:
            return v0 + 0.035 * s * math.sin(math.pi * waves * (u / w + 1))

        upper = _curve(face, -w, w, lambda u: wave(u) - gap)
        lower = _curve(face, w, -w, lambda u: wave(u) + gap)
        draw.polygon(upper + lower, fill=ink)
    else:  # sneer: one corner pulled up, the other down, with a kink
        tilt = 0.09 * s * (1 if rng.random() < 0.5 else -1)
        line = _curve(face, -w, w, lambda u: v0 - tilt * u / w + 0.04 * s * math.sin(3 * u / w))
        draw.line(line, fill=ink, width=width, joint="curve")
        x, y = face.at(math.copysign(0.12, tilt), 0.18)
        draw.line((x - face.rx * 0.08, y, x + face.rx * 0.08, y - 0.06 * face.ry), ink, width)


# emotion -> (eyes, mouth, brows); the brows of one random side come first (disgust lowers it)
_CUES: dict[str, tuple[str, str, tuple]] = {
    "angry": ("narrow", "tight", ((0.12, -0.06, 0.03), (0.12, -0.06, 0.03))),
    "disgust": ("narrow", "sneer", ((0.15, 0.03, 0.02), (-0.1, -0.05, 0.0))),
    "fear": ("wide", "wavy", ((-0.16, -0.06, 0.07), (-0.16, -0.06, 0.07))),
    "happy": ("normal", "smile", ((-0.03, -0.01, 0.0), (-0.03, -0.01, 0.0))),
    "sad": ("normal", "frown", ((-0.12, 0.06, 0.0), (-0.12, 0.06, 0.0))),
    "surprise": ("wide", "round", ((-0.15, -0.15, -0.02), (-0.15, -0.15, -0.02))),
    "neutral": ("normal", "flat", ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0))),
}


def _finish(image: Image.Image, size: int, rng: np.random.Generator) -> np.ndarray:
    """Reduce to size x size, then add a lighting gradient and pixel noise."""
    small = np.asarray(image.resize((size, size), Image.Resampling.LANCZOS), dtype=np.float64)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = np.linspace(-0.5, 0.5, size)
    gradient = np.add.outer(ramp * math.sin(angle), ramp * math.cos(angle))
    contrast = rng.uniform(0.7, 1.1)
    pixels = 128 + (small - 128) * contrast + gradient * rng.uniform(0, 70)
    pixels += rng.normal(0, rng.uniform(2, 10), (size, size))
    return np.clip(np.rint(pixels), 0, 255).astype(np.uint8)


def toy_face(emotion: int, rng: np.random.Generator, size: int = 48) -> np.ndarray:
    """One face, uint8 array of shape (size, size), 0 = black, 255 = white."""
    if not 0 <= emotion < len(EMOTIONS):
        raise ValueError(f"emotion must be 0..{len(EMOTIONS) - 1}, not {emotion}")
    if size < 8:
        raise ValueError(f"size must be at least 8, not {size}")
    canvas = size * _SUPERSAMPLE
    background = int(rng.uniform(20, 235))
    image = Image.new("L", (canvas, canvas), background)
    draw = ImageDraw.Draw(image)
    face = _random_face(rng, canvas, background)
    _draw_head(draw, face, rng)
    eyes, mouth, brows = _CUES[EMOTIONS[emotion]]
    separation = rng.uniform(0.33, 0.45)
    _draw_eyes(draw, face, eyes, separation, rng)
    _draw_brows(draw, face, brows, separation, rng)
    _draw_mouth(draw, face, mouth, rng)
    if rng.random() < 0.6:  # a nose
        draw.line((*face.at(0, 0.05), *face.at(0.05, 0.22)), fill=face.ink, width=face.width)
    tilt = rng.uniform(-7, 7)  # degrees; NEAREST is enough before the LANCZOS reduction
    image = image.rotate(
        tilt, Image.Resampling.NEAREST, center=(face.cx, face.cy), fillcolor=background
    )
    return _finish(image, size, rng)


def _counts(count_per_class: int | Sequence[int]) -> list[int]:
    if isinstance(count_per_class, int | np.integer):
        counts = [int(count_per_class)] * len(EMOTIONS)
    else:
        counts = [int(count) for count in count_per_class]
    if len(counts) != len(EMOTIONS) or min(counts) < 0:
        raise ValueError(f"count_per_class must be one count or 7 counts >= 0, not {counts}")
    return counts


def _generate(count_per_class, seed: int, size: int, stream: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng([seed, stream])  # stream 0 is the same as default_rng(seed)
    labels = np.repeat(np.arange(len(EMOTIONS), dtype=np.int64), _counts(count_per_class))
    labels = labels[rng.permutation(len(labels))]
    images = np.zeros((len(labels), size, size), dtype=np.uint8)
    for index, label in enumerate(labels):
        images[index] = toy_face(int(label), rng, size)
    return images, labels


def toy_faces(
    count_per_class: int | Sequence[int], seed: int = 0, size: int = 48
) -> tuple[np.ndarray, np.ndarray]:
    """x: uint8 (N, size, size); y: int64 (N,) labels in 0..6. Deterministic for a seed.

    count_per_class may be one int (balanced) or 7 ints (to mimic FER2013's imbalance: its
    "disgust" class is tiny). Samples are shuffled (with the same seed, a non-negative int).
    """
    return _generate(count_per_class, seed, size, stream=0)


def write_image_folder(
    root: str | os.PathLike,
    count_per_class: int | Sequence[int],
    seed: int = 0,
    test_count_per_class: int | Sequence[int] = 0,
    size: int = 48,
) -> pathlib.Path:
    """Write PNG files in the FER2013 folder layout: root/train/<emotion>/<n>.png and, if
    test_count_per_class, root/test/<emotion>/<n>.png. Returns root.

    The train images are exactly ``toy_faces(count_per_class, seed, size)``: <n> counts the
    images of one emotion in the order of that array. The test images come from a different
    seed stream of the same seed, so they are not copies of training images. Every emotion
    folder is created, even for a count of 0.
    """
    root = pathlib.Path(root)
    splits = [("train", count_per_class, 0)]
    if any(_counts(test_count_per_class)):
        splits.append(("test", test_count_per_class, _TEST_STREAM))
    for split, counts, stream in splits:
        images, labels = _generate(counts, seed, size, stream)
        for label, emotion in enumerate(EMOTIONS):
            folder = root / split / emotion
            folder.mkdir(parents=True, exist_ok=True)
            for number, image in enumerate(images[labels == label]):
                Image.fromarray(image).save(folder / f"{number}.png")
    return root
