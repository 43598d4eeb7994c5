"""The Gradio app, one module per tab: each holds its handlers (a mixin of ``WebApp``), its rendering
(Jinja2 templates with autoescape, in ``templates/``) and ``build``, which lays out its components
and wires its events. ``app.py`` only assembles the tabs; ``assistant.web.state.WebApp`` is the shared state."""
