"""The Gradio app: its shared state (``state.WebApp``), one module per tab in ``tabs/`` with Jinja2
templates in ``templates/`` and the page's CSS/JS in ``static/``, HTML rendering (``render``,
``common``), the login gate, the endpoint wrapper, private files for downloads, and the answer log.
``app.py`` at the repository root assembles and launches it.

May import: ``assistant.service`` and every wing below it.
"""
