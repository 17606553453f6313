"""Arcade: a JupyterLab workbench for SQL-based ETL with Arc on Apache Spark.

The wheel ships the prebuilt JupyterLab extension (under
``share/jupyter/labextensions/jupyterlab-arcade``) and the kernel-bridge
bundle that jupyter-server-proxy starts (see :mod:`jupyterlab_arcade.proxy`).
"""

from ._version import __version__

__all__ = ["__version__"]


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-arcade"}]
