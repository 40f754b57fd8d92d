"""Heading anchors for the course website, the way JupyterLab makes them."""


def jupyter_anchor(heading):
    """``"Solution to Exercise 1"`` -> ``"Solution-to-Exercise-1"`` (spaces become hyphens).

    >>> jupyter_anchor(" Solution to Exercise 1 ")
    'Solution-to-Exercise-1'
    """
    return heading.strip().replace(" ", "-")
