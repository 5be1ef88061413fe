"""Sphinx configuration of the course's website (``make book``; book/build.py stages the sources).

Stored outputs only (nothing is executed), and nothing is fetched from a CDN when the pages are
read: MathJax 3 comes from the sphinx-mathjax-offline package, served from _static/mathjax, and
widgets are drawn statically by book/build.py.
"""
project = "rnnlab"
author = "the rnnlab authors"
copyright = "the rnnlab authors; text and figures CC BY 4.0, code MIT"

extensions = ["myst_nb", "sphinx-mathjax-offline"]   # the latter sets mathjax_path to its local copy
nb_execution_mode = "off"            # the notebooks' stored outputs, never re-executed
nb_ipywidgets_js = {}                # no widget manager from a CDN (widgets are drawn statically)
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
# The staged source folder holds only what may be published (book/build.py); nothing else is read.
exclude_patterns = ["**.ipynb_checkpoints", "_build"]
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = "rnnlab"
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_search_language = "en"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
}
html_show_sourcelink = False
html_copy_source = False           # the pages are the publication; no .ipynb copies beside them
html_context = {"default_mode": "light"}   # a mode from the start: pydata's theme logs an error without one
html_favicon = "_static/favicon.svg"       # else every browser asks for /favicon.ico and gets a 404
