"""The shared tables (SQLAlchemy Core): written here as they are now; :mod:`lab.db.migrations` gets a database there.

Embeddings are stored as float32 bytes with their dimension and model, so a gallery never mixes two models'
vectors; thumbnails as PNG bytes. Times are UTC. Names are unique where a user chooses them (a gallery, a
nickname in a class), so that two sessions racing to take the same one cannot both succeed.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()


def _now() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("id", sa.Integer, primary_key=True),  # always 1: one row
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("migrated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

# --- the face database: galleries of enrolled people -----------------------------------------------------------
galleries = sa.Table(
    "galleries", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("model", sa.String(64), nullable=False),
    sa.Column("detector", sa.String(64), nullable=False),
    sa.Column("dimension", sa.Integer, nullable=True),  # set by the first enrolment
    # Bumped by every change, so that a process's in-memory copy of the vectors knows when to read them again.
    sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
    _now(),
    # Whether students see the thumbnails of faces other sessions enrolled (the teacher's switch; step 2).
    sa.Column("thumbnails_shared", sa.Boolean, nullable=False, server_default=sa.false()),
)

faces = sa.Table(
    "faces", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("gallery_id", sa.Integer, sa.ForeignKey("galleries.id", ondelete="CASCADE"), nullable=False),
    sa.Column("person", sa.String(64), nullable=False),
    sa.Column("source", sa.String(255), nullable=False),
    sa.Column("model", sa.String(64), nullable=False),
    sa.Column("dimension", sa.Integer, nullable=False),
    sa.Column("embedding", sa.LargeBinary, nullable=False),  # float32, little-endian, `dimension` values
    sa.Column("thumbnail", sa.LargeBinary, nullable=False),  # PNG
    sa.Column("owner", sa.String(64), nullable=True),  # the session that enrolled it (a student may remove their own)
    _now(),
    sa.Index("faces_gallery_person", "gallery_id", "person"),
)

# --- classes: live rounds of the N-way one-shot quiz ------------------------------------------------------------
classes = sa.Table(
    "classes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    _now(),
    # Players the teacher removed so far: part of the stage devices watch, so a removed device learns it (step 2).
    sa.Column("removed", sa.Integer, nullable=False, server_default="0"),
    # What the class does now: "quiz" (rounds of the N-way quiz) or "faces" (the face round: lab.classroom.face_round),
    # whether the projector shows the face round's thumbnails, and the lesson step the teacher shows (step 3).
    sa.Column("activity", sa.String(16), nullable=False, server_default="quiz"),
    sa.Column("faces_shown", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("lesson_step", sa.String(40), nullable=True),
)

players = sa.Table(
    "players", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
    sa.Column("nickname", sa.String(32), nullable=False),
    sa.Column("nickname_key", sa.String(32), nullable=False),  # case-folded: "Ana" and "ana" are one nickname
    sa.Column("token", sa.String(64), nullable=False, unique=True),  # the joining session's secret
    _now(),
    sa.UniqueConstraint("class_id", "nickname_key", name="players_unique_nickname"),
    # Its TR39 confusable skeleton (lab.classroom.nicknames): 'bоt' with a Cyrillic о is 'bot' (step 2). Nullable
    # only because a column added to a table with rows cannot be NOT NULL without a default; every row has one.
    sa.Column("nickname_skeleton", sa.String(255), nullable=True),
    sa.Index("players_unique_skeleton", "class_id", "nickname_skeleton", unique=True),
)

# The face round's photos: only an embedding and a small thumbnail, never the photo; deleted with the player, when the
# class ends, and after a time limit (lab.classroom.face_round). Step 3.
class_faces = sa.Table(
    "class_faces", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
    sa.Column("player_id", sa.Integer, sa.ForeignKey("players.id", ondelete="CASCADE"), nullable=False),
    sa.Column("photo", sa.Integer, nullable=False),  # 1, 2 or 3: the player's photo it came from
    sa.Column("model", sa.String(64), nullable=False),
    sa.Column("dimension", sa.Integer, nullable=False),
    sa.Column("embedding", sa.LargeBinary, nullable=False),  # float32, little-endian, `dimension` values
    sa.Column("thumbnail", sa.LargeBinary, nullable=False),  # PNG, 96 px
    _now(),
    sa.UniqueConstraint("player_id", "photo", name="class_faces_one_per_photo"),
    sa.Index("class_faces_class", "class_id"),
)

rounds = sa.Table(
    "rounds", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("ways", sa.Integer, nullable=False),
    sa.Column("task", sa.JSON, nullable=False),  # which drawings: enough to draw the same task on every device
    sa.Column("answer", sa.Integer, nullable=False),  # the right candidate (0-based)
    sa.Column("model_name", sa.String(64), nullable=False),
    sa.Column("model_answer", sa.Integer, nullable=False),
    sa.Column("model_similarities", sa.JSON, nullable=False),  # one per candidate: the model's similarity score
    sa.Column("model_seconds", sa.Float, nullable=False),  # the model's time to answer (scoring the candidates)
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
    sa.UniqueConstraint("class_id", "number", name="rounds_unique_number"),
)

answers = sa.Table(
    "answers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("player_id", sa.Integer, sa.ForeignKey("players.id", ondelete="CASCADE"), nullable=False),
    sa.Column("choice", sa.Integer, nullable=False),
    sa.Column("correct", sa.Boolean, nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),  # from the round's start to the answer
    _now(),
    sa.UniqueConstraint("round_id", "player_id", name="answers_one_per_player"),  # a second click changes nothing
)

# --- the model registry's metadata (the weight files stay files) -----------------------------------------------
models = sa.Table(
    "models", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=True),
    sa.Column("figures", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    _now(),
)
