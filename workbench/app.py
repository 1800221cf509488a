"""The Streamlit entry page: the study, the researcher, and navigation between the pages.

Started by ``workbench app --study STUDY``, which applies streamlit.toml's settings. Every
page is layout and widgets; every action goes through the study facade, as on the
command line.
"""

from __future__ import annotations

import streamlit as st

from workbench.pages import common

st.set_page_config(page_title="Theme Workbench", layout="wide")

PAGES = [
    st.Page("pages/study_page.py", title="Study", url_path="study", default=True),
    st.Page("pages/candidates_page.py", title="Candidates", url_path="candidates"),
    st.Page("pages/themes_page.py", title="Themes", url_path="themes"),
    st.Page("pages/map_page.py", title="Map", url_path="map"),
    st.Page("pages/logic_model_page.py", title="Logic model", url_path="logic-model"),
    st.Page("pages/validation_page.py", title="Validation", url_path="validation"),
    st.Page("pages/analysis_page.py", title="Analysis", url_path="analysis"),
    st.Page("pages/log_page.py", title="Decision log", url_path="log"),
    st.Page("pages/export_page.py", title="Export", url_path="export"),
]

navigation = st.navigation(PAGES)
with st.sidebar:
    st.caption(f"Study: {common.location() or '(none)'}")
    if st.session_state.get("researcher"):
        st.caption(f"Deciding as: {st.session_state['researcher']}")
        if st.button("Change name"):
            del st.session_state["researcher"]
            st.rerun()
    with st.expander("Privacy settings in force"):
        st.text(f"Server address: {st.get_option('server.address')}\n"
                f"Usage statistics: {'on' if st.get_option('browser.gatherUsageStats') else 'off'}\n"
                f"XSRF protection: {'on' if st.get_option('server.enableXsrfProtection') else 'off'}\n"
                f"Upload limit: {st.get_option('server.maxUploadSize')} MB\n"
                f"Headless: {'yes' if st.get_option('server.headless') else 'no'}")
common.researcher()
navigation.run()
