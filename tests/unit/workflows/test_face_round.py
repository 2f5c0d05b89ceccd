"""The face round's workflow with the real Facenet on LFW photos: consent, the teacher's switches, only an embedding
and a thumbnail kept, each student's result and the class's, deletion by the student."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.classroom.face_results import FACE_DETECTOR, FACE_MODEL
from lab.faces.pipeline import NoFaceError, face_vector
from lab.faces.photos import load_photo, read_photo
from lab.roles import PermissionDeniedError, Role
from lab.workflows.classroom import end, join, start_class
from lab.workflows.face_round import (FaceRoundError, class_face_view, close_face_round, faces_in, forget_my_faces,
                                      give_photo, open_face_round, show_class_faces, student_face_view)

pytestmark = pytest.mark.data


def photos_of(lfw: Path, person: str, count: int = 2) -> list[Path]:
    return sorted((lfw / person).iterdir())[:count]


def test_a_face_round_keeps_embeddings_and_thumbnails_and_gives_each_their_result(lfw_dir: Path,
                                                                                  tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    info = start_class("faces", role=Role.TEACHER, database_url=url)
    players = {name: join(info.code, name, client=None, database_url=url) for name in ("Ana", "Bea")}
    with pytest.raises(PermissionDeniedError):
        open_face_round(info.code, role=Role.STUDENT, database_url=url)
    path = photos_of(lfw_dir, "Colin_Powell")[0]
    with pytest.raises(FaceRoundError, match="not open"):
        give_photo(info.code, players["Ana"].token, load_photo(path), consent=True, database_url=url)
    open_face_round(info.code, role=Role.TEACHER, database_url=url)
    with pytest.raises(FaceRoundError, match="consent"):
        give_photo(info.code, players["Ana"].token, load_photo(path), consent=False, database_url=url)
    people = {"Ana": "Colin_Powell", "Bea": "Tony_Blair"}
    for name, person in people.items():
        numbers = [give_photo(info.code, players[name].token, load_photo(p), consent=True, database_url=url)
                   for p in photos_of(lfw_dir, person)]
        assert numbers == [1, 2]
    paths = [p for person in people.values() for p in photos_of(lfw_dir, person)]
    vectors = np.stack([face_vector(load_photo(p), FACE_MODEL, FACE_DETECTOR).vector for p in paths])
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    distances = 1 - unit @ unit.T  # cosine distance, computed here from the photos themselves
    np.fill_diagonal(distances, np.inf)
    owner = np.array([0, 0, 1, 1])
    nearest_own = owner[np.argmin(distances, axis=1)] == owner
    mine = student_face_view(info.code, players["Ana"].token, url)
    assert [r.photo for r in mine.photos] == [1, 2] and [r.nearest_is_own for r in mine.photos] == list(nearest_own[:2])
    assert set(mine.thumbnails) == {1, 2} and mine.class_faces == 4
    assert mine.photos[0].own_distances == pytest.approx((distances[0, 1],), abs=1e-4)
    view = class_face_view(info.code, url)
    assert (view.result.participants, view.result.faces) == (2, 4)
    assert view.result.rank1 == pytest.approx(nearest_own.mean())
    assert sorted(view.result.genuine) == pytest.approx(sorted([distances[0, 1], distances[2, 3]]), abs=1e-4)
    assert view.result.impostor.size == 4 and view.people == ()
    show_class_faces(info.code, True, role=Role.TEACHER, database_url=url)
    assert [name for name, _ in class_face_view(info.code, url).people] == ["Ana", "Bea"]
    assert forget_my_faces(info.code, players["Bea"].token, url) == 2 and faces_in(info.code, url) == 2
    close_face_round(info.code, role=Role.TEACHER, database_url=url)
    end(info.code, role=Role.TEACHER, database_url=url)
    assert faces_in(info.code, url) == 0


def test_a_photo_without_a_face_is_refused_and_nothing_kept(tmp_path: Path) -> None:
    from PIL import Image
    import io

    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    info = start_class("faces", role=Role.TEACHER, database_url=url)
    player = join(info.code, "Ana", client=None, database_url=url)
    open_face_round(info.code, role=Role.TEACHER, database_url=url)
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buffer, format="PNG")
    with pytest.raises(NoFaceError):
        give_photo(info.code, player.token, read_photo(buffer.getvalue(), "wall.png"), consent=True, database_url=url)
    assert faces_in(info.code, url) == 0
