"""The self-hosted fonts (static/nlds/fonts.css, built by `make assets`)."""

import re
from pathlib import Path

from django.conf import settings

FONTS_CSS = Path(settings.BASE_DIR) / "static" / "nlds" / "fonts.css"


def _faces() -> list[str]:
    return re.findall(r"@font-face \{[^}]*\}", FONTS_CSS.read_text())


def test_each_face_names_its_characters_so_the_latin_face_draws_plain_text():
    # The latin and latin-ext faces of one family share weight and style; without a
    # unicode-range the browser may take the latin-ext face, which has no plain letters.
    faces = _faces()
    assert len(faces) == 16
    for face in faces:
        assert "unicode-range:" in face, face
    latin = [f for f in faces if "-latin-4" in f or "-latin-7" in f]
    assert latin and all("U+0000-00FF" in f for f in latin)


def test_every_face_points_at_a_file_of_our_own_origin():
    for face in _faces():
        for url in re.findall(r"url\(([^)]*)\)", face):
            assert url.startswith("fonts/"), url
            assert (FONTS_CSS.parent / url).is_file(), url
