"""Sphinx settings of the course website (built by tools/build_site.py; `make site`).

The pages are the committed notebooks with their stored outputs: nothing is executed. Every
file a page loads is served from the site itself (MathJax included), so the site works from
any static host or a laptop with no internet.
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # site_anchors.py

project = "Gradient descent and neural networks, from scratch"
author = "The course's authors"
copyright = "the course's authors, MIT licence"

extensions = ["myst_nb"]

# The notebooks' outputs are the content: never run them here.
nb_execution_mode = "off"
# No widget JavaScript from a CDN: the explorers need a live kernel anyway.
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# Headings get the anchors JupyterLab gives them, so the notebooks' own links work here too.
myst_heading_slug_func = "site_anchors.jupyter_anchor"

# MathJax 3 from the npm package, copied into _static/mathjax by the build script.
mathjax_path = "mathjax/tex-chtml.js"

html_theme = "furo"
html_title = "Gradient descent and neural networks"
html_static_path = ["_static"]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None

# downloads/ holds the untouched notebooks offered for download; they are not pages.
exclude_patterns = ["downloads/**", "_build", "**.ipynb_checkpoints"]
