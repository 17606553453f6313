"""Arcade: a JupyterLab workbench for SQL-based ETL with Arc on Apache Spark.

The wheel ships the prebuilt JupyterLab extension (under
``share/jupyter/labextensions/jupyterlab-arcade``) and the kernel-bridge
bundle that jupyter-server-proxy starts (see :mod:`jupyterlab_arcade.proxy`) and that the
``arcade`` command runs (see :mod:`jupyterlab_arcade.cli`).
"""

try:
    from ._version import __version__
except ImportError:  # a source checkout that was never built: the build writes _version.py
    __version__ = "0.0.0.dev0"

__all__ = ["__version__"]


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-arcade"}]
