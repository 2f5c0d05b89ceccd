"""End to end: the quiz's settings go into the address as a lecturer changes them, and a link opens them again."""

from __future__ import annotations


def test_a_setting_goes_into_the_address_and_comes_back(server_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/quiz?way=7&lang=pt")
    page.get_by_text("Tarefa 1: qual candidato").wait_for(timeout=180_000)
    page.get_by_role("button", name="Escolher 7", exact=True).wait_for()
    assert page.get_by_role("button", name="Escolher 8", exact=True).count() == 0
    page.get_by_role("radio", name="Lote: o modelo em muitas tarefas").check(force=True)
    page.get_by_text("Valores de N").wait_for()
    page.wait_for_function("location.search.includes('mode=')")
    link = page.url
    assert "lang=pt" in link and "mode=" in link
    page.goto(link)  # a reload, a bookmark, a link sent to the class
    page.get_by_text("Valores de N").wait_for(timeout=180_000)  # still the batch mode, in Portuguese


def test_a_link_made_in_portuguese_still_opens_after_a_switch_to_english(server_url: str, page) -> None:  # type: ignore[no-untyped-def]
    """The URL holds a mode's shown label; switching language writes the new label, so a reload keeps the mode."""
    page.goto(f"{server_url}/quiz?lang=pt&mode=Lote%3A+o+modelo+em+muitas+tarefas&ways=5&tasks=100")
    page.get_by_text("Valores de N").wait_for(timeout=180_000)
    page.get_by_role("combobox").first.click()  # the sidebar's language, the first box of the page
    page.get_by_role("option", name="English").click()
    page.get_by_text("N values").wait_for()
    page.wait_for_function("location.search.includes('mode=Batch')")
    page.reload()
    page.get_by_text("N values").wait_for(timeout=180_000)
    assert page.get_by_text("Some settings in this link could not be used").count() == 0
