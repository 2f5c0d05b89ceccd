"""The face database page's controls of a gallery that change or delete what others may have made: removing a
person (asked twice), clearing a gallery (behind a tick box), importing old ``.npz`` files. The page decides who sees
which (``ui.roles``); these only draw them and call lab."""

from __future__ import annotations

import streamlit as st

from lab.config import face_db_dir
from lab.errors import LabError
from lab.faces.gallery import Gallery
from lab.faces.npz_import import import_npz
from lab.i18n import _, ngettext
from lab.workflows.gallery import clear_gallery, remove, share_thumbnails
from ui.roles import current_role


def person_row_ui(database: Gallery, person: str, rows: list[int], viewer: str, teacher: bool,
                  mine: bool) -> None:
    """One enrolled person: the name and face count for everyone; the thumbnails a viewer may see (the teacher: all;
    a student: their own session's, and the others' only while the teacher shares thumbnails), with the photos' file
    names for the teacher and the enrolling session only; Remove for the teacher, or the student's own enrolment."""
    columns = st.columns([1, 4, 1])
    columns[0].markdown(f"**{person}**  \n" + ngettext("{count} face", "{count} faces", len(rows)).format(count=len(rows)))
    shown_rows = [r for r in rows if database.thumbnail_shown(r, viewer, teacher)][:8]
    if shown_rows:
        columns[1].image(database.pictures(shown_rows), width=72,
                         caption=[str(database.sources[r]) if database.source_shown(r, viewer, teacher) else person
                                  for r in shown_rows])
    if teacher:
        removal_ui(database, person, columns[2], None)
    elif mine:  # a student may take back what this session enrolled, and only that
        removal_ui(database, person, columns[2], viewer)


def _switch_thumbnails(name: str) -> None:
    try:
        share_thumbnails(name, bool(st.session_state.get("db_share_thumbnails")), role=current_role())
    except LabError as exc:
        st.session_state["db_refused"] = str(exc)


def thumbnails_switch_ui(database: Gallery, teacher: bool) -> None:
    """The teacher's switch of what students see of the others (kept in the shared database: every server agrees);
    a student reads which way it is."""
    if teacher:
        st.session_state["db_share_thumbnails"] = database.thumbnails_shared
        st.toggle(_("Students see everyone's thumbnails"), key="db_share_thumbnails", on_change=_switch_thumbnails,
                  args=(database.name,), help=_("Off: a student sees the names of the people others enrolled, and the "
                                                "thumbnails of their own enrolment only. File names stay yours."))
    elif database.thumbnails_shared:
        st.caption(_("The teacher shows every enrolled face's thumbnail; photo file names stay private."))
    else:
        st.caption(_("You see the thumbnails of the faces you enrolled; of everyone else, only their names."))
    refused = st.session_state.pop("db_refused", None)
    if refused:
        st.error(refused)


def removal_ui(database: Gallery, person: str, column, owner: str | None) -> None:  # type: ignore[no-untyped-def]
    """A Remove button that asks once more before it deletes (``owner``: only that session's faces)."""
    pending = st.session_state.get("db_confirm_remove")
    label = _("Remove") if owner is None else _("Remove my enrolment")
    if pending != person:
        if column.button(label, key=f"remove_{person}"):
            st.session_state["db_confirm_remove"] = person
            st.rerun()
        return
    column.warning(_("Remove {person}?").format(person=person))
    if column.button(_("Yes, remove"), key=f"confirm_remove_{person}", type="primary"):
        st.session_state.pop("db_confirm_remove", None)
        try:
            remove(database.name, person, owner=owner)
        except LabError as exc:
            st.error(str(exc))
            return
        st.session_state["db_message"] = _("{person} removed; nothing was retrained.").format(person=person)
        st.rerun()
    if column.button(_("Cancel"), key=f"cancel_remove_{person}"):
        st.session_state.pop("db_confirm_remove", None)
        st.rerun()


def clear_ui(database: Gallery) -> None:
    """The end of a class: every face deleted, behind a tick box that names how many."""
    if database.size == 0:
        return
    with st.expander(_("Clear this database")):
        sure = st.checkbox(_("Delete all {count} faces of {name}").format(count=database.size, name=database.name),
                           key="clear_confirm")
        if st.button(_("Clear the database"), key="clear_button", disabled=not sure, type="primary"):
            try:
                deleted = clear_gallery(database.name)
            except LabError as exc:
                st.error(str(exc))
                return
            st.session_state.pop("clear_confirm", None)
            st.session_state["db_message"] = ngettext("{count} face deleted; the database is empty.",
                                                      "{count} faces deleted; the database is empty.",
                                                      deleted).format(count=deleted)
            st.rerun()


def old_files_ui(teacher: bool) -> None:
    """Face databases of earlier versions were .npz files in $FACE_DB_DIR: say so, with the command (or a button for
    the teacher) that copies one into the shared database."""
    folder = face_db_dir()
    files = sorted(p for p in folder.glob("*.npz") if not p.name.startswith(".")) if folder.is_dir() else []
    if not files:
        return
    with st.expander(ngettext("{count} face database file of an earlier version", "{count} face database files of an "
                              "earlier version", len(files)).format(count=len(files))):
        st.markdown(_("The lab now keeps face databases in the shared database; these files in `{folder}` are not "
                      "read any more. Importing one copies its people (people already there are skipped) and "
                      "leaves the file as it is; from a terminal: `python -m lab faces import FILE.npz --db NAME`.")
                    .format(folder=folder))
        for path in files:
            columns = st.columns([3, 1])
            columns[0].code(f"python -m lab faces import {path} --db {path.stem}", language="bash")
            if not teacher:
                continue
            if columns[1].button(_("Import {name}").format(name=path.stem), key=f"import_{path.stem}"):
                try:
                    report = import_npz(path, path.stem, owner=None)
                except (LabError, ValueError) as exc:
                    st.error(str(exc))
                    continue
                message = ngettext("{count} person imported into {name}.", "{count} people imported into {name}.",
                                   len(report.imported)).format(count=len(report.imported), name=report.database)
                if report.skipped:
                    message += " " + _("Already there, skipped: {people}.").format(people=", ".join(report.skipped))
                st.session_state["db_message"] = message
                st.rerun()
