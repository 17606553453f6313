"""The extension's style sheets reach the running app."""

from pathlib import Path

STYLE = Path(__file__).resolve().parent.parent / "style"


def test_every_style_sheet_is_imported() -> None:
    # JupyterLab loads style/index.js (package.json "styleModule"); a sheet it does not
    # import is missing from the running app, though webpack builds without complaint.
    sheets = sorted(p.name for p in STYLE.glob("*.css") if p.name != "index.css")
    assert len(sheets) > 3
    js = (STYLE / "index.js").read_text()
    css = (STYLE / "index.css").read_text()
    missing_js = [s for s in sheets if f"'./{s}'" not in js]
    missing_css = [s for s in sheets if f"'{s}'" not in css]
    assert (missing_js, missing_css) == ([], [])
