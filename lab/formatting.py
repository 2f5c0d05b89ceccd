"""Numbers as pages and commands print them, where the rounding decides what is shown."""

from __future__ import annotations


def signed_change(difference: float, digits: int = 4, suffix: str = "") -> str | None:
    """``difference`` as ``"+0.0500 suffix"``, or None when it rounds to zero at ``digits`` decimals.

    st.metric draws an arrow for any delta it is given, so "+0.0000" would show a change where there is none;
    None tells it to draw no delta at all.
    """
    text = f"{difference:+.{digits}f}"
    if float(text) == 0.0:  # "+0.0000" and "-0.0000" alike
        return None
    return f"{text} {suffix}".rstrip()
