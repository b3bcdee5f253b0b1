"""mapapp's server: the Streamlit page (``streamlit_app.py``) and, beside Streamlit's routes, the app's own route
that streams a register's records of a window as CSV (:mod:`mapapp.webmap.routes`).

``streamlit run app.py`` finds the ``App`` below and serves it with uvicorn, with every ``--server.*`` option and
``.streamlit/config.toml`` as for a plain script (scripts/app.sh). Tests of the page alone (``AppTest``) run
``streamlit_app.py`` itself.
"""

from streamlit.starlette import App

from mapapp.webmap.routes import routes

app = App("streamlit_app.py", routes=routes())
