"""HTTP routes served beside the Streamlit app (see app.py): the live class's push channel."""
